package org.consentry.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.consentry.terminology.SensitivityLabeler;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler in force: built from every stored ValueSet that declares a sensitivity category (the
 * bundled ones and those an operator uploaded), and rebuilt when one of them changes, so an upload
 * takes effect on the next write without a restart.
 *
 * <p>The labeler itself is immutable; swapping it is one atomic write. This node updates it after
 * its own commits; other nodes rebuild it from the database when the {@code TERMINOLOGY} generation
 * moves (see {@code NodeSync}).
 */
final class CurrentLabeler {

  private static final Logger log = LoggerFactory.getLogger(CurrentLabeler.class);

  private final DaoRegistry daos;
  private final AtomicReference<SensitivityLabeler> current =
      new AtomicReference<>(Terminology.bundled().labeler());

  CurrentLabeler(DaoRegistry daos) {
    this.daos = daos;
  }

  SensitivityLabeler get() {
    return current.get();
  }

  /** Uses a just-committed sensitivity value set from now on (replacing one with the same URL). */
  void add(ValueSet valueSet) {
    current.updateAndGet(labeler -> labeler.withValueSet(valueSet));
  }

  /**
   * Rebuilds from the stored sensitivity value sets; a stored one that no longer validates is
   * skipped and logged.
   */
  void rebuild() {
    List<ValueSet> valueSets = new ArrayList<>(Terminology.bundled().valueSets());
    IFhirResourceDao<ValueSet> dao = daos.getResourceDao(ValueSet.class);
    IBundleProvider stored =
        dao.search(SearchParameterMap.newSynchronous(), new SystemRequestDetails());
    for (IBaseResource resource : stored.getAllResources()) {
      ValueSet valueSet = (ValueSet) resource;
      try {
        if (Terminology.declaredCategory(valueSet).isPresent()) {
          Terminology.labeler(
              List.of(valueSet)); // validates it alone, so one bad upload cannot block the rest
          valueSets.add(valueSet);
        }
      } catch (IllegalArgumentException e) {
        log.warn(
            "Stored ValueSet {} is not used for labelling: {}",
            valueSet.getIdElement().toUnqualifiedVersionless(),
            e.getMessage());
      }
    }
    current.set(Terminology.labeler(valueSets));
    log.info("Sensitivity labeler built from {} value sets", valueSets.size());
  }
}
