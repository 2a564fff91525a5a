package org.consentry.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.ReindexParameters;
import ca.uhn.fhir.jpa.model.cross.IBasePersistedResource;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.consentry.server.storage.TransactionScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code $meta-add} and {@code $meta-delete} (an EHR system's, or the relabelling job's) change the
 * security labels of a resource's current version in place, and HAPI does not extract its search
 * indexes again: the {@link OwnerIndex#OWNER_LABEL} index would keep the old labels, so that counts
 * and searches narrowed by consent would still count a resource a new label hides, and leave out
 * one a removed label no longer hides. Such a change is recognized on its storage hook (the same
 * version before and after).
 *
 * <p>A label added is indexed inside the same transaction, so that it is never visible unindexed.
 * HAPI's hook shows a removed label as still there (the labels before and after look the same), so
 * such a change is indexed after the commit, from what was stored, in a transaction of its own:
 * until then a removed label still hides the resource from those it kept it from (never the other
 * way round).
 */
@Interceptor
final class MetaLabelReindex {

  private static final Logger log = LoggerFactory.getLogger(MetaLabelReindex.class);
  private static final String PENDING = MetaLabelReindex.class.getName() + ".pending";

  /** What one transaction indexed already, and what it indexes again after its commit. */
  private record Pending(Set<String> indexed, Map<String, Stored> afterCommit) {}

  private record Stored(String type, IResourcePersistentId<?> id) {}

  private final DaoRegistry daos;
  private final PatientCompartment compartment;
  private final PlatformTransactionManager transactions;

  MetaLabelReindex(
      DaoRegistry daos, PatientCompartment compartment, PlatformTransactionManager transactions) {
    this.daos = daos;
    this.compartment = compartment;
    this.transactions = transactions;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated) {
    if (previous == null || updated == null || !inPlace(previous, updated)) {
      return; // a new version: HAPI extracted its indexes
    }
    String type = updated.fhirType();
    if (!compartment.mayHaveOwners(type)
        || !TransactionSynchronizationManager.isActualTransactionActive()) {
      return;
    }
    IFhirResourceDao<IBaseResource> dao = daos.getResourceDao(type);
    IIdType id = updated.getIdElement().toUnqualifiedVersionless();
    IBasePersistedResource<?> entity = dao.readEntity(id, new SystemRequestDetails());
    if (entity == null
        || entity.isDeleted()
        || !String.valueOf(entity.getVersion()).equals(updated.getIdElement().getVersionIdPart())) {
      return; // the labels of a past version: the current one's indexes stand
    }
    String key = type + "/" + id.getIdPart();
    Pending pending = pending();
    if (!labels(previous).equals(labels(updated))) {
      if (pending.indexed().add(key)) {
        dao.reindex(updated, entity); // a label added: shown by the hook, indexed now
      }
    } else {
      // what a removal looks like here: indexed from what was stored, once committed
      pending.afterCommit().putIfAbsent(key, new Stored(type, entity.getPersistentId()));
    }
  }

  private Pending pending() {
    return TransactionScoped.get(
        PENDING,
        () -> new Pending(new HashSet<>(), new LinkedHashMap<>()),
        new TransactionScoped.Outcome<>() {
          @Override
          public void afterCommit(Pending pending) {
            pending.afterCommit().values().forEach(MetaLabelReindex.this::indexAgain);
          }
        });
  }

  /** From what was stored, in a new transaction (the committed one's resources are still bound). */
  private void indexAgain(Stored stored) {
    TransactionTemplate separate = new TransactionTemplate(transactions);
    separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    try {
      separate.executeWithoutResult(
          status ->
              daos.getResourceDao(stored.type())
                  .reindex(
                      stored.id(),
                      new ReindexParameters()
                          .setReindexSearchParameters(
                              ReindexParameters.ReindexSearchParametersEnum.ALL)
                          .setOptimizeStorage(ReindexParameters.OptimizeStorageModeEnum.NONE)
                          .setCorrectCurrentVersion(
                              ReindexParameters.CorrectCurrentVersionModeEnum.NONE),
                      new SystemRequestDetails(),
                      new TransactionDetails()));
    } catch (RuntimeException e) {
      // the change is committed; a later write or reindex of the resource mends its indexes
      log.warn(
          "Could not index {} again after its labels changed in place; a removed label may still"
              + " narrow searches until the resource is written or reindexed",
          stored.type(),
          e);
    }
  }

  private static boolean inPlace(IBaseResource previous, IBaseResource updated) {
    String version = updated.getIdElement().getVersionIdPart();
    return version != null && version.equals(previous.getIdElement().getVersionIdPart());
  }

  private static Set<String> labels(IBaseResource resource) {
    Set<String> labels = new HashSet<>();
    OwnerIndex.labels(resource)
        .forEach(label -> labels.add(Objects.toString(label.getSystem()) + "|" + label.getCode()));
    return labels;
  }
}
