package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bytes stored per record for a typical AuditEvent (about 1.5 KB of JSON): run with {@code
 * -Daudit.measure=true}; prints the figures. Not part of the normal build (it writes 20,000
 * records).
 */
@EnabledIfSystemProperty(named = "audit.measure", matches = "true")
class StorageMeasureTest {

  private static final int RECORDS = 20_000;

  @Test
  void bytesPerRecord() throws Exception {
    DataSource db = TestDb.fresh();
    long jsonBytes = 0;
    List<AuditRecord> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      AuditRecord record = Events.read(i, "p" + (i % 1000), "Practitioner/" + (i % 50));
      jsonBytes += record.json().getBytes(StandardCharsets.UTF_8).length;
      records.add(record);
    }
    double seconds;
    try (AuditLog log = new AuditLog(db, TestDb.KEY, AuditSettings.defaults())) {
      long started = System.nanoTime();
      records.forEach(log::append);
      log.flush();
      seconds = (System.nanoTime() - started) / 1e9;
    }
    System.out.printf(
        "appended and wrote %d records in %.1f s (%.0f records/s, one node)%n",
        RECORDS, seconds, RECORDS / seconds);
    TestDb.execute(db, "VACUUM ANALYZE");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_total_relation_size('consentry_audit_record'),"
                    + " pg_relation_size('consentry_audit_record'),"
                    + " pg_total_relation_size('consentry_audit_checkpoint')"
                    + " + pg_total_relation_size('consentry_audit_head'),"
                    + " pg_relation_size('consentry_audit_record_pkey'),"
                    + " pg_relation_size('consentry_audit_record_recorded'),"
                    + " pg_relation_size('consentry_audit_record_patients'),"
                    + " pg_relation_size('consentry_audit_record_agent'),"
                    + " (SELECT count(*) FROM consentry_audit_record)")) {
      rs.next();
      long count = rs.getLong(8);
      long total = rs.getLong(1) + rs.getLong(3);
      System.out.printf(
          "records=%d json=%.0f B/record total=%.0f B/record (table heap %.0f, pkey %.0f,"
              + " recorded %.0f, patients GIN %.0f, agent %.0f, checkpoints+head %.1f)%n",
          count,
          (double) jsonBytes / count,
          (double) total / count,
          (double) rs.getLong(2) / count,
          (double) rs.getLong(4) / count,
          (double) rs.getLong(5) / count,
          (double) rs.getLong(6) / count,
          (double) rs.getLong(7) / count,
          (double) rs.getLong(3) / count);
      assertThat(count).isEqualTo(RECORDS);
      assertThat(total / count).isBetween(jsonBytes / count, 3 * jsonBytes / count);
    }
  }
}
