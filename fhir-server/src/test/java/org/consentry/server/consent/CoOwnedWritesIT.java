package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.server.ServerIT;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The co-owner generation moves with the writes of resources of several patients, inside their
 * transaction: the kept lists of other owners ({@link CoOwners}) are never used past such a write.
 */
class CoOwnedWritesIT extends ServerIT {

  @Autowired Generations generations;
  @Autowired PatientCompartment compartment;
  @Autowired JpaTransactionManager transactions;

  private static Observation of(String subject, String performer) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("co-owned");
    observation.setSubject(new Reference("Patient/" + subject));
    if (performer != null) {
      observation.addPerformer(new Reference("Patient/" + performer));
    }
    return observation;
  }

  private long current() {
    return generations.current(Topic.CO_OWNERS);
  }

  @Test
  void aTransactionWritingResourcesOfSeveralPatients_bumpsOnce_withItsCommit() {
    CoOwnedWrites writes = new CoOwnedWrites(compartment, generations);
    long before = current();
    AtomicLong inTheTransaction = new AtomicLong(-1);
    AtomicLong elsewhere = new AtomicLong(-1);
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              writes.created(of("a", "b"));
              writes.updated(of("a", null), of("c", "d"));
              writes.created(of("e", null));
              TransactionSynchronizationManager.registerSynchronization(
                  new TransactionSynchronization() {
                    @Override
                    public void beforeCommit(boolean readOnly) {
                      // runs after the bump (registered before), still before the commit
                      inTheTransaction.set(current());
                      elsewhere.set(CompletableFuture.supplyAsync(() -> current()).join());
                    }
                  });
            });
    assertThat(inTheTransaction).as("bumped on the transaction's connection").hasValue(before + 1);
    assertThat(elsewhere).as("not visible before the commit").hasValue(before);
    assertThat(current()).as("once, however many such resources").isEqualTo(before + 1);
  }

  @Test
  void aRolledBackTransaction_bumpsNothing_andTheNextOneBumpsAgain() {
    CoOwnedWrites writes = new CoOwnedWrites(compartment, generations);
    long before = current();
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              writes.created(of("a", "b"));
              status.setRollbackOnly();
            });
    assertThat(current()).isEqualTo(before);
    new TransactionTemplate(transactions)
        .executeWithoutResult(status -> writes.created(of("a", "b")));
    assertThat(current()).isEqualTo(before + 1);
  }

  @Test
  void resourcesOfOnePatientOrOfNone_bumpNothing() {
    CoOwnedWrites writes = new CoOwnedWrites(compartment, generations);
    long before = current();
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              writes.created(of("a", null));
              writes.created(of("a", "a"));
              writes.created(new Organization().setName("no patient's"));
              writes.updated(of("a", "b"), of("a", null));
            });
    assertThat(current()).isEqualTo(before);
  }

  @Test
  void theServersWrites_bumpIt() {
    String subject =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    String performer =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    long before = current();
    client().create().resource(of(subject, null)).execute();
    assertThat(current()).isEqualTo(before);
    client().create().resource(of(subject, performer)).execute();
    assertThat(current()).isEqualTo(before + 1);
  }
}
