package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.consentry.server.ServerIT;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.CarriedLabels;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The labels each type carries ({@link TypeLabels}) are recorded with the transaction that writes
 * the first resource carrying one, never without it, and are read back from the index on a database
 * that has none recorded.
 */
class TypeLabelsIT extends ServerIT {

  private static final String SYSTEM = "urn:consentry:test:labels";

  @Autowired DataSource dataSource;
  @Autowired Generations generations;
  @Autowired JpaTransactionManager transactions;

  private long current() {
    return generations.current(Topic.TYPE_LABELS);
  }

  private boolean stored(Coding label) {
    return CompletableFuture.supplyAsync(
            () ->
                new JdbcTemplate(dataSource)
                        .queryForObject(
                            "SELECT count(*) FROM "
                                + TypeLabels.TABLE
                                + " WHERE LABEL_SYSTEM = ? AND LABEL_CODE = ?",
                            Integer.class,
                            label.getSystem(),
                            label.getCode())
                    > 0)
        .join();
  }

  @Test
  void aNewLabel_isRecordedWithItsWritingTransaction_andTheGenerationMovesWithIt() {
    TypeLabels labels = new TypeLabels(dataSource, generations, new CarriedLabels());
    Coding label = new Coding(SYSTEM, "new-" + UUID.randomUUID(), null);
    long before = current();
    assertThat(labels.mayCarry("Condition", before).test(label)).isFalse();
    AtomicBoolean visibleBeforeCommit = new AtomicBoolean(true);
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              labels.carried("Condition", List.of(label));
              labels.carried("Condition", List.of(label)); // a second resource: one bump
              TransactionSynchronizationManager.registerSynchronization(
                  new TransactionSynchronization() {
                    @Override
                    public void beforeCommit(boolean readOnly) {
                      visibleBeforeCommit.set(stored(label));
                    }
                  });
            });
    assertThat(visibleBeforeCommit).as("not visible elsewhere before the commit").isFalse();
    assertThat(stored(label)).isTrue();
    assertThat(current()).as("bumped once, with the commit").isEqualTo(before + 1);
    assertThat(labels.mayCarry("Condition", before + 1).test(label)).isTrue();
    assertThat(labels.mayCarry("Observation", before + 1).test(label))
        .as("recorded for its type only")
        .isFalse();
    assertThat(labels.mayCarry("Observation", null).test(label))
        .as("no generation: every label")
        .isTrue();
  }

  @Test
  void aRolledBackWrite_recordsNothing_andTheNextWriteRecordsTheLabel() {
    TypeLabels labels = new TypeLabels(dataSource, generations, new CarriedLabels());
    Coding label = new Coding(SYSTEM, "rolled-back-" + UUID.randomUUID(), null);
    long before = current();
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              labels.carried("Condition", List.of(label));
              status.setRollbackOnly();
            });
    assertThat(stored(label)).isFalse();
    assertThat(current()).isEqualTo(before);
    new TransactionTemplate(transactions)
        .executeWithoutResult(status -> labels.carried("Condition", List.of(label)));
    assertThat(stored(label)).as("not taken for recorded after the rollback").isTrue();
    assertThat(current()).isEqualTo(before + 1);
  }

  /**
   * A database whose data was stored before the table existed: the labels are read back from the
   * owner-label index once (the rows this test removes are put back at its end).
   */
  @Test
  void anEmptyTable_isFilledFromTheIndex() {
    String patient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Coding label = new Coding(SYSTEM, "indexed-" + UUID.randomUUID(), null);
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("labelled");
    observation.setSubject(new Reference("Patient/" + patient));
    observation.getMeta().addSecurity(label);
    client().create().resource(observation).execute();
    assertThat(stored(label)).as("recorded by the server's own write").isTrue();

    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    List<Map<String, Object>> rows =
        jdbc.queryForList("SELECT RES_TYPE, LABEL_SYSTEM, LABEL_CODE FROM " + TypeLabels.TABLE);
    try {
      jdbc.update("DELETE FROM " + TypeLabels.TABLE);
      long before = current();
      TypeLabels filled = new TypeLabels(dataSource, generations, new CarriedLabels());
      assertThat(stored(label)).isTrue();
      assertThat(current()).isGreaterThan(before);
      assertThat(filled.mayCarry("Observation", current()).test(label)).isTrue();
      assertThat(filled.mayCarry("Patient", current()).test(label)).isFalse();
    } finally {
      for (Map<String, Object> row : rows) {
        jdbc.update(
            "INSERT INTO "
                + TypeLabels.TABLE
                + " (RES_TYPE, LABEL_SYSTEM, LABEL_CODE) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            row.get("RES_TYPE"),
            row.get("LABEL_SYSTEM"),
            row.get("LABEL_CODE"));
      }
      generations.bump(Topic.TYPE_LABELS);
    }
  }
}
