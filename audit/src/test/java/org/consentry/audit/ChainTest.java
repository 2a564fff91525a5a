package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.consentry.audit.internal.Codec;
import org.junit.jupiter.api.Test;

class ChainTest {

  static final AuditSettings FAST =
      AuditSettings.defaults()
          .withFlushInterval(Duration.ofMillis(50))
          .withCheckpointEvery(10, Duration.ofHours(1));

  @Test
  void seqIsContiguousAndEveryHashChainsAcrossFlushes() throws SQLException {
    DataSource db = TestDb.fresh();
    try (AuditLog log = new AuditLog(db, TestDb.KEY, FAST)) {
      for (int flush = 0; flush < 3; flush++) {
        for (int i = 0; i < 7; i++) {
          log.append(Events.read(flush * 7 + i, "p" + i, "Practitioner/7"));
        }
        log.flush();
      }
      assertThat(seqs(db)).containsExactlyElementsOf(range(1, 21));
      // the stored hashes are the documented encoding, each over the one before
      byte[] previous = Codec.GENESIS;
      for (long seq = 1; seq <= 21; seq++) {
        byte[] expected = Codec.recordHash(previous, log.bySeq(seq).orElseThrow());
        assertThat(hash(db, seq)).isEqualTo(expected);
        previous = expected;
      }
      VerificationReport report = log.verify();
      assertThat(report.intact()).as(report.text()).isTrue();
      assertThat(report.checked()).isEqualTo(21);
      assertThat(report.lastGood().orElseThrow().seq()).isEqualTo(14); // at a flush boundary
    }
  }

  @Test
  void twoNodesOnOneDatabaseKeepOneChain() throws Exception {
    DataSource db = TestDb.fresh();
    try (AuditLog a = new AuditLog(db, TestDb.KEY, FAST);
        AuditLog b = new AuditLog(db, TestDb.KEY, FAST)) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<?>> done = new ArrayList<>();
      for (AuditLog node : List.of(a, b)) {
        String agent = node == a ? "node-a" : "node-b";
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    node.append(Events.read(i, "p" + (i % 5), agent));
                    if (i % 50 == 0) {
                      node.flush();
                    }
                  }
                  node.flush();
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(seqs(db)).containsExactlyElementsOf(range(1, 600));
      assertThat(a.countAll(null, null, "node-a")).isEqualTo(300);
      assertThat(b.countAll(null, null, "node-b")).isEqualTo(300);
      VerificationReport report = b.verify();
      assertThat(report.intact()).as(report.text()).isTrue();
      assertThat(report.checked()).isEqualTo(600);
    }
  }

  @Test
  void aRecordIsWrittenWithinTheFlushIntervalWithoutFlush() throws Exception {
    DataSource db = TestDb.fresh();
    try (AuditLog log = new AuditLog(db, TestDb.KEY, AuditSettings.defaults())) {
      log.append(Events.read(1, "p1", "Practitioner/7")); // warm up the connection
      log.flush();
      long started = System.nanoTime();
      log.append(Events.read(2, "p1", "Practitioner/7"));
      while (log.countAll(null, null, null) < 2
          && System.nanoTime() - started < Duration.ofSeconds(3).toNanos()) {
        Thread.sleep(10);
      }
      long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
      assertThat(log.countAll(null, null, null)).isEqualTo(2);
      assertThat(took).as("ms until written").isLessThan(1000);
    }
  }

  @Test
  void closeWritesEverythingQueuedAndSignsTheEnd() {
    DataSource db = TestDb.fresh();
    AuditLog log = new AuditLog(db, TestDb.KEY, AuditSettings.defaults());
    for (int i = 0; i < 5000; i++) {
      log.append(Events.read(i, "p" + (i % 100), "Practitioner/7"));
    }
    log.close();
    assertThat(log.countAll(null, null, null)).isEqualTo(5000);
    VerificationReport report = log.verify();
    assertThat(report.intact()).as(report.text()).isTrue();
    assertThat(report.lastGood().orElseThrow().seq()).isEqualTo(5000);
    assertThat(log.healthy()).isFalse();
    assertThat(log.problem()).get().asString().contains("closed");
    assertThatThrownBy(() -> log.append(Events.read(1, "p", "a")))
        .isInstanceOf(AuditUnavailableException.class);
  }

  @Test
  void theJsonIsKeptByteForByte() {
    DataSource db = TestDb.fresh();
    String json = "{ \"b\":1,\r\n  \"a\" : \"\u00e9\ud83d\ude00\\u0000\" }  ";
    Instant recorded = Instant.parse("2025-01-02T03:04:05.123456789Z");
    try (AuditLog log = new AuditLog(db, TestDb.KEY, FAST)) {
      log.append(AuditRecord.of(recorded, List.of("a", "b"), "query", "", json));
      log.flush();
      AuditRecord stored = log.bySeq(1).orElseThrow();
      assertThat(stored.json()).isEqualTo(json);
      assertThat(stored.recorded()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
      assertThat(stored.patients()).containsExactly("a", "b");
      assertThat(log.verify().intact()).isTrue();
    }
  }

  @Test
  void recordsPostgresqlCouldNotStoreAreRefusedAtAppend() {
    assertThatThrownBy(() -> AuditRecord.of(Instant.now(), List.of(), "read", "a", "{\u0000}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> AuditRecord.of(Instant.now(), List.of(), "read", "\ud800", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> AuditRecord.of(Instant.MAX, List.of(), "read", "a", "{}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeyShorterThan256BitsIsRefused() {
    DataSource db = TestDb.fresh();
    assertThatThrownBy(
            () ->
                new AuditLog(
                    db,
                    new javax.crypto.spec.SecretKeySpec(new byte[16], "HmacSHA256"),
                    AuditSettings.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static List<Long> seqs(DataSource db) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq FROM consentry_audit_record ORDER BY seq")) {
      while (rs.next()) {
        seqs.add(rs.getLong(1));
      }
    }
    return seqs;
  }

  static byte[] hash(DataSource db, long seq) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT hash FROM consentry_audit_record WHERE seq = " + seq)) {
      return rs.next() ? rs.getBytes(1) : null;
    }
  }

  static List<Long> range(long from, long to) {
    List<Long> list = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      list.add(i);
    }
    return list;
  }
}
