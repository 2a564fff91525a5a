package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.consentry.audit.VerificationReport.Kind;
import org.consentry.audit.internal.Codec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes made directly in PostgreSQL, as a database administrator without the key could: each is
 * named with its seq and kind, with the last checkpoint that still holds. The log holds 30 records
 * with signed checkpoints at 10, 20 and 30.
 */
class TamperTest {

  private DataSource db;
  private AuditLog log;

  @BeforeEach
  void thirtyRecords() {
    db = TestDb.fresh();
    log = new AuditLog(db, TestDb.KEY, ChainTest.FAST);
    for (int i = 1; i <= 30; i++) {
      log.append(Events.read(i, "p" + (i % 3), "Practitioner/" + i));
      if (i % 10 == 0) {
        log.flush();
      }
    }
    log.close();
  }

  @Test
  void untouchedIsIntact() {
    VerificationReport report = log.verify();
    assertThat(report.intact()).as(report.text()).isTrue();
    assertThat(report.checked()).isEqualTo(30);
    assertThat(report.lastGood().orElseThrow().seq()).isEqualTo(30);
    assertThat(report.text()).startsWith("The audit log is intact: 30 records checked");
  }

  @Test
  void anUpdatedJsonIsAltered() {
    TestDb.execute(
        db,
        "UPDATE consentry_audit_record SET json = replace(json, 'TREAT', 'HRESCH') WHERE seq = 15");
    expect(15, Kind.ALTERED, 10);
  }

  @Test
  void anUpdatedPatientListIsAltered() {
    TestDb.execute(db, "UPDATE consentry_audit_record SET patients = '{}' WHERE seq = 30");
    expect(30, Kind.ALTERED, 20);
  }

  @Test
  void aNulledRecordColumnIsAlteredNotAnError() {
    TestDb.execute(
        db,
        "ALTER TABLE consentry_audit_record ALTER COLUMN json DROP NOT NULL",
        "UPDATE consentry_audit_record SET json = NULL WHERE seq = 25");
    expect(25, Kind.ALTERED, 20);
  }

  @Test
  void aNulledCheckpointSignatureIsForgedNotAnError() {
    TestDb.execute(
        db,
        "ALTER TABLE consentry_audit_checkpoint ALTER COLUMN mac DROP NOT NULL",
        "UPDATE consentry_audit_checkpoint SET mac = NULL WHERE seq = 30");
    expect(30, Kind.CHECKPOINT_FORGED, 20);
  }

  @Test
  void aDeletedRowIsDeleted() {
    TestDb.execute(db, "DELETE FROM consentry_audit_record WHERE seq = 15");
    expect(15, Kind.DELETED, 10);
  }

  @Test
  void rowsDeletedFromTheEndAreDeleted() {
    TestDb.execute(db, "DELETE FROM consentry_audit_record WHERE seq >= 26");
    expect(26, Kind.DELETED, 20);
  }

  @Test
  void rowsAndCheckpointDeletedFromTheEndAreCaughtByTheHead() {
    TestDb.execute(
        db,
        "DELETE FROM consentry_audit_record WHERE seq >= 26",
        "DELETE FROM consentry_audit_checkpoint WHERE seq = 30");
    expect(26, Kind.DELETED, 20);
  }

  @Test
  void aRowInsertedInTheMiddleIsInserted() throws SQLException {
    // make room at 15 (two steps: the primary key is checked row by row), then insert a copy of 14
    TestDb.execute(
        db,
        "UPDATE consentry_audit_record SET seq = -seq - 1 WHERE seq >= 15",
        "UPDATE consentry_audit_record SET seq = -seq WHERE seq < 0",
        "INSERT INTO consentry_audit_record SELECT 15, recorded, patients, kind, agent, json, hash"
            + " FROM consentry_audit_record WHERE seq = 14");
    expect(15, Kind.INSERTED_OR_REORDERED, 10);
  }

  @Test
  void aRowAppendedWithACorrectHashIsCaughtByTheSignedHead() throws SQLException {
    byte[] last = ChainTest.hash(db, 30);
    AuditRecord forged = Events.read(31, "p1", "Practitioner/31").withSeq(31);
    try (Connection c = db.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO consentry_audit_record VALUES (31, now(), '{p1}', 'read',"
                    + " 'Practitioner/31', ?, ?)")) {
      // the attacker recomputes the hash as the code would (over what is actually stored)
      insert.setString(1, forged.json());
      insert.setBytes(2, new byte[32]);
      insert.executeUpdate();
    }
    AuditRecord stored = log.bySeq(31).orElseThrow();
    TestDb.execute(
        db,
        "UPDATE consentry_audit_record SET hash = '\\x"
            + hex(Codec.recordHash(last, stored))
            + "' WHERE seq = 31");
    expect(31, Kind.INSERTED_OR_REORDERED, 30);

    // and a node refuses to continue a chain it cannot vouch for: fail closed, say what to do
    try (AuditLog node = new AuditLog(db, TestDb.KEY, ChainTest.FAST)) {
      node.append(Events.read(40, "p1", "Practitioner/7"));
      assertThatThrownBy(node::flush)
          .isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("signed head")
          .hasMessageContaining("consentry audit verify");
      assertThat(node.healthy()).isFalse();
      // deleting what was appended behind its back lets it go on, chained on the real head
      TestDb.execute(db, "DELETE FROM consentry_audit_record WHERE seq = 31");
      node.flush();
      assertThat(node.healthy()).isTrue();
      assertThat(node.verify().intact()).isTrue();
      assertThat(node.bySeq(31).orElseThrow().agent()).isEqualTo("Practitioner/7");
    }
  }

  @Test
  void twoSwappedRowsAreReordered() {
    TestDb.execute(
        db,
        "UPDATE consentry_audit_record SET seq = -1 WHERE seq = 14",
        "UPDATE consentry_audit_record SET seq = 14 WHERE seq = 16",
        "UPDATE consentry_audit_record SET seq = 16 WHERE seq = -1");
    expect(14, Kind.INSERTED_OR_REORDERED, 10);
  }

  @Test
  void anAlteredRowWithEveryLaterHashRecomputedIsCaughtByTheNextCheckpoint() throws SQLException {
    TestDb.execute(
        db, "UPDATE consentry_audit_record SET agent = 'Practitioner/99' WHERE seq = 15");
    byte[] previous = ChainTest.hash(db, 14);
    for (long seq = 15; seq <= 30; seq++) {
      byte[] hash = Codec.recordHash(previous, log.bySeq(seq).orElseThrow());
      TestDb.execute(
          db, "UPDATE consentry_audit_record SET hash = '\\x" + hex(hash) + "' WHERE seq = " + seq);
      previous = hash;
    }
    VerificationReport report = expect(20, Kind.CHECKPOINT_MISMATCH, 10);
    // records 15 to 19 pass (every hash was recomputed): only the signed checkpoint tells
    assertThat(report.checked()).isEqualTo(19);
    assertThat(report.text()).contains("a record between seq 11 and 20 was changed");
  }

  @Test
  void aCheckpointChangedWithoutTheKeyIsForged() throws SQLException {
    TestDb.execute(
        db,
        "UPDATE consentry_audit_checkpoint SET hash = (SELECT hash FROM consentry_audit_record"
            + " WHERE seq = 19), seq = 19 WHERE seq = 20");
    expect(19, Kind.CHECKPOINT_FORGED, 10);
  }

  @Test
  void aNodeWithAnotherKeyFindsEveryCheckpointForgedAndWritesNothing() {
    AuditLog other =
        new AuditLog(
            db, TestDb.key((byte) 8), ChainTest.FAST.withCloseTimeout(Duration.ofMillis(300)));
    VerificationReport report = other.verify();
    assertThat(report.firstProblem().orElseThrow().kind()).isEqualTo(Kind.CHECKPOINT_FORGED);
    assertThat(report.firstProblem().orElseThrow().seq()).isEqualTo(10);
    other.append(Events.read(1, "p", "a"));
    assertThatThrownBy(other::flush).hasMessageContaining("different keys");
    assertThatThrownBy(other::close).hasMessageStartingWith("1 audit records could not be written");
    assertThat(log.countAll(null, null, null)).isEqualTo(30);
  }

  @Test
  void aDeletedHeadIsReported() {
    TestDb.execute(db, "DELETE FROM consentry_audit_head");
    expect(30, Kind.HEAD_MISSING, 30);
  }

  private VerificationReport expect(long seq, Kind kind, long lastGood) {
    VerificationReport report = log.verify();
    assertThat(report.intact()).isFalse();
    assertThat(report.firstProblem().orElseThrow().kind()).as(report.text()).isEqualTo(kind);
    assertThat(report.firstProblem().orElseThrow().seq()).as(report.text()).isEqualTo(seq);
    assertThat(report.lastGood().orElseThrow().seq()).as(report.text()).isEqualTo(lastGood);
    assertThat(report.text())
        .contains("at seq " + seq)
        .contains("still holds is at seq " + lastGood);
    return report;
  }

  static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
