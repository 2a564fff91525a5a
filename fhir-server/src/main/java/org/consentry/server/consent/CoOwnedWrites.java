package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.storage.TransactionScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Bumps {@link Topic#CO_OWNERS} when a resource of several patients is created, or updated to
 * belong to several, so that every node stops using the lists of other owners it keeps ({@link
 * CoOwners}). The bump is made inside the writing transaction, just before it commits, once however
 * many such resources it writes: the new value and the resources commit together, or neither does.
 * A request that reads the new value sees those resources; one that read the old value started
 * before they were committed.
 */
@Interceptor
final class CoOwnedWrites {

  private static final String BUMPING = CoOwnedWrites.class.getName() + ".bumping";

  private final PatientCompartment compartment;
  private final Generations generations;

  CoOwnedWrites(PatientCompartment compartment, Generations generations) {
    this.compartment = compartment;
    this.generations = generations;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    written(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated) {
    written(updated);
  }

  private void written(IBaseResource resource) {
    if (!compartment.mayHaveOwners(resource.fhirType())
        || compartment.owners(resource).size() < 2) {
      return;
    }
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      generations.bump(Topic.CO_OWNERS); // not seen: HAPI writes in a transaction
      return;
    }
    TransactionScoped.get(
        BUMPING,
        () -> Boolean.TRUE, // once, however many such resources the transaction writes
        new TransactionScoped.Outcome<>() {
          @Override
          public void beforeCommit(Boolean bumping) {
            generations.bump(Topic.CO_OWNERS); // on the transaction's connection
          }
        });
  }
}
