package org.consentry.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.consentry.server.MutableClock;
import org.consentry.server.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The recovery of a dead node's work chunks, against PostgreSQL, on stand-ins for Batch2's two
 * tables (only the columns the leases read) in a schema of their own.
 */
class ChunkLeasesIT {

  private static final Duration EXPIRY = Duration.ofSeconds(60);
  private static final JobsProperties PROPERTIES =
      new JobsProperties(10, Duration.ZERO, Duration.ofSeconds(10), EXPIRY, Duration.ofMinutes(3));

  private PGSimpleDataSource dataSource;
  private JdbcTemplate jdbc;
  private MutableClock clock;

  @BeforeEach
  void schema() {
    String schema = "leases_" + UUID.randomUUID().toString().replace("-", "");
    JdbcTemplate admin = new JdbcTemplate(source(TestDatabase.jdbcUrl()));
    admin.execute("CREATE SCHEMA " + schema);
    dataSource = source(TestDatabase.jdbcUrl() + "&currentSchema=" + schema);
    jdbc = new JdbcTemplate(dataSource);
    jdbc.execute("CREATE TABLE bt2_work_chunk (id varchar(100) PRIMARY KEY, stat varchar(20))");
    jdbc.execute(
        "CREATE TABLE bt2_job_instance (id varchar(100) PRIMARY KEY, stat varchar(20),"
            + " update_time timestamp(6))");
    new DurableJobs(null, dataSource, PROPERTIES, () -> {}).createTables();
    clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  private static PGSimpleDataSource source(String url) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(url);
    source.setUser("postgres");
    return source;
  }

  private ChunkLeases node() {
    ChunkLeases leases = new ChunkLeases(dataSource, PROPERTIES, clock);
    leases.createTables();
    return leases;
  }

  private void chunk(String id, String status) {
    jdbc.update("INSERT INTO bt2_work_chunk (id, stat) VALUES (?, ?)", id, status);
  }

  private String status(String chunk) {
    return jdbc.queryForObject("SELECT stat FROM bt2_work_chunk WHERE id = ?", String.class, chunk);
  }

  private void ageLeases(String node, Duration by) {
    jdbc.update(
        "UPDATE consentry_job_lease SET renewed = renewed - ? * interval '1 millisecond'"
            + " WHERE node = ?",
        by.toMillis(),
        node);
  }

  @Test
  void chunksOfADeadNode_goBackToReady_thoseOfALiveNodeStay() {
    ChunkLeases live = node();
    ChunkLeases dead = node();
    chunk("live-running", "IN_PROGRESS");
    chunk("live-queued", "QUEUED");
    chunk("dead-running", "IN_PROGRESS");
    chunk("dead-queued", "QUEUED");
    chunk("dead-errored", "ERRORED");
    chunk("no-lease", "IN_PROGRESS");
    chunk("done", "COMPLETED");
    chunk("waiting", "GATE_WAITING");
    for (String id : new String[] {"live-running", "live-queued"}) {
      live.lease(id);
    }
    for (String id : new String[] {"dead-running", "dead-queued", "dead-errored", "done"}) {
      dead.lease(id);
    }
    // both leased long ago; only the live node renews
    ageLeases(live.node(), EXPIRY.multipliedBy(2));
    ageLeases(dead.node(), EXPIRY.multipliedBy(2));
    live.renew();

    int reaped = live.reapChunks();

    assertThat(reaped).isEqualTo(4);
    assertThat(status("dead-running")).isEqualTo("READY");
    assertThat(status("dead-queued")).isEqualTo("READY");
    assertThat(status("dead-errored")).isEqualTo("READY");
    assertThat(status("no-lease")).isEqualTo("READY");
    assertThat(status("live-running")).isEqualTo("IN_PROGRESS");
    assertThat(status("live-queued")).isEqualTo("QUEUED");
    assertThat(status("done")).isEqualTo("COMPLETED");
    assertThat(status("waiting")).isEqualTo("GATE_WAITING");
    assertThat(live.reapChunks()).as("a second pass finds nothing more").isZero();
  }

  @Test
  void aFreshLease_isNotReaped_andFinishedChunksLoseTheirLease() {
    ChunkLeases node = node();
    chunk("fresh", "QUEUED");
    chunk("finished", "COMPLETED");
    node.lease("fresh");
    node.lease("finished");

    assertThat(node().reapChunks()).isZero();
    node.renew();

    assertThat(status("fresh")).isEqualTo("QUEUED");
    assertThat(jdbc.queryForList("SELECT chunk_id FROM consentry_job_lease", String.class))
        .containsExactly("fresh");
  }

  @Test
  void aJobStalledInItsFinalStep_goesBackToInProgress_onlyOnceItsHeartbeatStopped() {
    ChunkLeases node = node();
    jdbc.update(
        "INSERT INTO bt2_job_instance (id, stat, update_time) VALUES"
            + " ('stalled', 'FINALIZE', '2026-01-01 00:00:00'),"
            + " ('beating', 'FINALIZE', '2026-01-01 00:00:00'),"
            + " ('running', 'IN_PROGRESS', '2026-01-01 00:00:00')");

    assertThat(node.reapFinalizing()).as("first seen").isZero();
    clock.advance(Duration.ofMinutes(2));
    jdbc.update(
        "UPDATE bt2_job_instance SET update_time = '2026-01-01 00:02:00' WHERE id = 'beating'");
    assertThat(node.reapFinalizing()).as("not stalled long enough yet").isZero();
    clock.advance(Duration.ofMinutes(2));

    assertThat(node.reapFinalizing()).isEqualTo(1);
    assertThat(jdbc.queryForMap("SELECT stat FROM bt2_job_instance WHERE id = 'stalled'"))
        .isEqualTo(Map.of("stat", "IN_PROGRESS"));
    assertThat(
            jdbc.queryForObject(
                "SELECT stat FROM bt2_job_instance WHERE id = 'beating'", String.class))
        .as("its reducer heartbeat moved the update time 2 minutes ago")
        .isEqualTo("FINALIZE");
  }

  @Test
  void countsOfPurgedJobs_areForgotten() {
    DurableJobs jobs = new DurableJobs(null, dataSource, PROPERTIES, () -> {});
    jdbc.update("INSERT INTO bt2_job_instance (id, stat) VALUES ('kept', 'COMPLETED')");
    jobs.record("kept", "a", Map.of("processed", 5L));
    jobs.record("kept", "a", Map.of("processed", 7L));
    jobs.record("kept", "b", Map.of("processed", 3L));
    jobs.record("purged", "a", Map.of("processed", 1L));

    node().forgetPurgedJobs();

    assertThat(jobs.counts("kept"))
        .as("a chunk run twice counts once")
        .isEqualTo(Map.of("processed", 10L));
    assertThat(jobs.counts("purged")).isEmpty();
  }
}
