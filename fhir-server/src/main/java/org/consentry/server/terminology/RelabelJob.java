package org.consentry.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.consentry.terminology.SensitivityLabeler;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * Relabels stored resources after a sensitivity value set changed: every resource of every type, in
 * pages, with the labeler in force. Labels are only added (or a confidentiality level raised),
 * through {@code $meta-add}/{@code $meta-delete}, so no new resource version is made.
 */
final class RelabelJob implements Runnable {

  enum Status {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED
  }

  private static final int PAGE = 500;

  private final String id = UUID.randomUUID().toString();
  private final DaoRegistry daos;
  private final Supplier<SensitivityLabeler> labeler;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong relabeled = new AtomicLong();
  private volatile Status status = Status.QUEUED;
  private volatile String error;

  RelabelJob(DaoRegistry daos, Supplier<SensitivityLabeler> labeler) {
    this.daos = daos;
    this.labeler = labeler;
  }

  @Override
  public void run() {
    status = Status.RUNNING;
    try {
      List<String> types = new ArrayList<>(daos.getRegisteredDaoTypes());
      types.sort(null);
      for (String type : types) {
        total.addAndGet(count(daos.getResourceDao(type)));
      }
      for (String type : types) {
        relabel(daos.getResourceDao(type));
      }
      status = Status.COMPLETED;
    } catch (RuntimeException e) {
      error = e.getMessage();
      status = Status.FAILED;
    }
  }

  private static long count(IFhirResourceDao<?> dao) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.setSummaryMode(SummaryEnum.COUNT);
    map.setSearchTotalMode(SearchTotalModeEnum.ACCURATE);
    Integer size = dao.search(map, new SystemRequestDetails()).size();
    return size == null ? 0 : size;
  }

  /**
   * Pages through one search per type: HAPI keeps its results, so pages neither skip nor repeat.
   */
  private void relabel(IFhirResourceDao<?> dao) {
    SensitivityLabeler current = labeler.get();
    IBundleProvider results = dao.search(new SearchParameterMap(), new SystemRequestDetails());
    for (int from = 0; ; from += PAGE) {
      List<IBaseResource> page = results.getResources(from, from + PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (IBaseResource resource : page) {
        if (relabel(dao, (Resource) resource, current)) {
          relabeled.incrementAndGet();
        }
        processed.incrementAndGet();
      }
    }
  }

  private static boolean relabel(
      IFhirResourceDao<?> dao, Resource resource, SensitivityLabeler labeler) {
    List<Coding> before = resource.getMeta().getSecurity().stream().map(Coding::copy).toList();
    if (!labeler.apply(resource)) {
      return false;
    }
    List<Coding> after = resource.getMeta().getSecurity();
    Meta added = new Meta();
    after.stream().filter(c -> !contains(before, c)).forEach(added::addSecurity);
    Meta removed = new Meta();
    before.stream().filter(c -> !contains(after, c)).forEach(removed::addSecurity);
    SystemRequestDetails request = new SystemRequestDetails();
    if (!removed.getSecurity().isEmpty()) {
      dao.metaDeleteOperation(resource.getIdElement().toVersionless(), removed, request);
    }
    if (!added.getSecurity().isEmpty()) {
      dao.metaAddOperation(resource.getIdElement().toVersionless(), added, request);
    }
    return true;
  }

  private static boolean contains(List<Coding> codings, Coding wanted) {
    return codings.stream()
        .anyMatch(
            c ->
                Objects.equals(c.getSystem(), wanted.getSystem())
                    && Objects.equals(c.getCode(), wanted.getCode()));
  }

  String id() {
    return id;
  }

  Status status() {
    return status;
  }

  long total() {
    return total.get();
  }

  long processed() {
    return processed.get();
  }

  long relabeled() {
    return relabeled.get();
  }

  String error() {
    return error;
  }
}
