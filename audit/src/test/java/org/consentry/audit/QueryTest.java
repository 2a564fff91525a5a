package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 60 records one a minute: alice in every 2nd (seq 2, 4, ...), bob in every 3rd, both in every 6th,
 * none in the others; agent "Practitioner/7" on odd minutes, "client-x" on even ones.
 */
class QueryTest {

  private static DataSource db;
  private static AuditLog log;

  @BeforeAll
  static void sixtyRecords() {
    db = TestDb.fresh();
    log = new AuditLog(db, TestDb.KEY, ChainTest.FAST);
    for (int i = 1; i <= 60; i++) {
      List<String> patients =
          i % 6 == 0
              ? List.of("alice", "bob")
              : i % 2 == 0 ? List.of("alice") : i % 3 == 0 ? List.of("bob") : List.of();
      log.append(
          Events.at(minute(i), patients, "read", i % 2 == 1 ? "Practitioner/7" : "client-x"));
    }
    log.flush();
  }

  private static Instant minute(int m) {
    return Events.T0.plusSeconds(60L * m);
  }

  @Test
  void aPatientsTrailIsPagedNewestFirst() {
    assertThat(log.countByPatient("alice", null, null)).isEqualTo(30);
    assertThat(seqs(log.byPatient("alice", null, null, 0, 3))).containsExactly(60L, 58L, 56L);
    assertThat(seqs(log.byPatient("alice", null, null, 3, 3))).containsExactly(54L, 52L, 50L);
    assertThat(seqs(log.byPatient("alice", null, null, 29, 10))).containsExactly(2L);
    assertThat(log.byPatient("alice", null, null, 30, 10)).isEmpty();
    assertThat(seqs(log.byPatient("bob", null, null, 0, 4))).containsExactly(60L, 57L, 54L, 51L);
    assertThat(log.countByPatient("bob", null, null)).isEqualTo(20);
    assertThat(log.countByPatient("carol", null, null)).isZero();
  }

  @Test
  void timesAreFromInclusiveToExclusive() {
    assertThat(seqs(log.byPatient("bob", minute(12), minute(24), 0, 10)))
        .containsExactly(21L, 18L, 15L, 12L);
    assertThat(log.countByPatient("bob", minute(12), minute(24))).isEqualTo(4);
    assertThat(log.countAll(minute(10), null, null)).isEqualTo(51);
    assertThat(log.countAll(null, minute(10), null)).isEqualTo(9);
  }

  @Test
  void allCanBeNarrowedToOneAgent() {
    assertThat(log.countAll(null, null, null)).isEqualTo(60);
    assertThat(log.countAll(null, null, "client-x")).isEqualTo(30);
    assertThat(seqs(log.all(null, null, "Practitioner/7", 0, 2))).containsExactly(59L, 57L);
    assertThat(seqs(log.all(minute(5), minute(9), null, 1, 2))).containsExactly(7L, 6L);
    assertThat(log.all(null, null, "nobody", 0, 10)).isEmpty();
  }

  @Test
  void bySeqReturnsTheStoredRecord() {
    AuditRecord record = log.bySeq(6).orElseThrow();
    assertThat(record.seq()).isEqualTo(6);
    assertThat(record.patients()).containsExactly("alice", "bob");
    assertThat(record.agent()).isEqualTo("client-x");
    assertThat(record.recorded()).isEqualTo(minute(6));
    assertThat(log.bySeq(61)).isEmpty();
  }

  @Test
  void aPatientsTrailIsFoundThroughTheIndexNotAScan() throws Exception {
    DataSource big = TestDb.fresh();
    try (AuditLog many = new AuditLog(big, TestDb.KEY, ChainTest.FAST)) {
      for (int i = 0; i < 5000; i++) {
        many.append(
            AuditRecord.of(minute(i), List.of("p" + (i % 500)), "read", "a", "{\"i\":" + i + "}"));
      }
      many.flush();
      TestDb.execute(big, "ANALYZE consentry_audit_record");
      String plan;
      try (Connection c = big.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "EXPLAIN SELECT seq FROM consentry_audit_record WHERE patients @> '{p7}'::text[]"
                      + " ORDER BY recorded DESC, seq DESC LIMIT 20")) {
        StringBuilder lines = new StringBuilder();
        while (rs.next()) {
          lines.append(rs.getString(1)).append('\n');
        }
        plan = lines.toString();
      }
      assertThat(plan).contains("consentry_audit_record_patients").doesNotContain("Seq Scan");
      assertThat(many.countByPatient("p7", null, null)).isEqualTo(10);
    }
  }

  private static List<Long> seqs(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::seq).toList();
  }
}
