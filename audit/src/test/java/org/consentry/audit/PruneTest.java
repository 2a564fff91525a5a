package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import javax.sql.DataSource;
import org.consentry.audit.VerificationReport.Kind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 30 records, one a minute from T0 + 1 min; checkpoints at 10, 20, 30. */
class PruneTest {

  private DataSource db;
  private AuditLog log;

  @BeforeEach
  void thirtyRecords() {
    db = TestDb.fresh();
    log = new AuditLog(db, TestDb.KEY, ChainTest.FAST);
    for (int i = 1; i <= 30; i++) {
      log.append(Events.read(i, "p" + (i % 3), "Practitioner/7"));
      if (i % 10 == 0) {
        log.flush();
      }
    }
  }

  private static Instant minute(double m) {
    return Events.T0.plusMillis((long) (m * 60_000));
  }

  @Test
  void pruneDeletesTheOldRecordsAndVerificationStartsAtTheAnchor() throws Exception {
    assertThat(log.prune(minute(12.5))).isEqualTo(12);
    assertThat(log.bySeq(12)).isEmpty();
    assertThat(log.bySeq(13)).isPresent();
    assertThat(log.countAll(null, null, null)).isEqualTo(18);
    VerificationReport report = log.verify();
    assertThat(report.intact()).as(report.text()).isTrue();
    assertThat(report.start()).isEqualTo(12);
    assertThat(report.checked()).isEqualTo(18);
    assertThat(report.text()).contains("prune anchor at seq 12");
    // the chain goes on after a prune
    log.append(Events.read(31, "p1", "Practitioner/7"));
    log.flush();
    assertThat(log.verify().intact()).isTrue();
    // nothing left to prune before the same time
    assertThat(log.prune(minute(12.5))).isZero();
  }

  @Test
  void aTamperAfterPruneIsStillFound() {
    log.prune(minute(12.5));
    TestDb.execute(db, "UPDATE consentry_audit_record SET kind = 'query' WHERE seq = 15");
    VerificationReport report = log.verify();
    assertThat(report.firstProblem().orElseThrow().seq()).isEqualTo(15);
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(Kind.ALTERED);
    assertThat(report.lastGood().orElseThrow().seq()).isEqualTo(12);
    assertThat(report.lastGood().orElseThrow().pruneAnchor()).isTrue();
  }

  @Test
  void aForgedAnchorIsFound() {
    log.prune(minute(12.5));
    TestDb.execute(db, "UPDATE consentry_audit_checkpoint SET seq = 14 WHERE anchor");
    VerificationReport report = log.verify();
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(Kind.CHECKPOINT_FORGED);
    assertThat(report.firstProblem().orElseThrow().seq()).isEqualTo(14);
  }

  @Test
  void deletingTheAnchorShowsTheRecordsAsDeleted() {
    log.prune(minute(12.5));
    TestDb.execute(db, "DELETE FROM consentry_audit_checkpoint WHERE anchor");
    VerificationReport report = log.verify();
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(Kind.DELETED);
    assertThat(report.firstProblem().orElseThrow().seq()).isEqualTo(1);
  }

  @Test
  void pruneRefusesToEraseEvidence() {
    TestDb.execute(db, "UPDATE consentry_audit_record SET agent = 'x' WHERE seq = 5");
    assertThatThrownBy(() -> log.prune(minute(12.5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("prune refused")
        .hasMessageContaining("at seq 5");
    assertThat(log.countAll(null, null, null)).isEqualTo(30);
  }

  @Test
  void pruneKeepsTheNewestRecordForTheHead() {
    assertThat(log.prune(minute(1000))).isEqualTo(29);
    assertThat(log.bySeq(30)).isPresent();
    assertThat(log.verify().intact()).isTrue();
    log.append(Events.read(31, "p1", "Practitioner/7"));
    log.flush();
    assertThat(log.verify().intact()).isTrue();
  }

  @Test
  void aRecordOutOfTimeOrderKeepsTheOnesAfterIt() {
    // record 31 is recorded at minute 2, after 30 records up to minute 30
    log.append(Events.read(2, "p1", "Practitioner/7"));
    log.flush();
    // before minute 12.5: 1..12 are older, but only a prefix of the chain can go
    assertThat(log.prune(minute(12.5))).isEqualTo(12);
    assertThat(log.bySeq(31)).isPresent();
    assertThat(log.verify().intact()).isTrue();
  }
}
