package org.consentry.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.StatusEnum;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.consentry.server.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * When Batch2's maintenance pass runs at the job maintenance interval: against PostgreSQL, on a
 * stand-in for Batch2's instance table (only the columns the pace reads) in a schema of its own,
 * with a maintenance service that counts its passes.
 */
class MaintenancePaceIT {

  private PGSimpleDataSource dataSource;
  private JdbcTemplate jdbc;
  private final AtomicInteger passes = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();

  private final IJobMaintenanceService maintenance =
      new IJobMaintenanceService() {
        @Override
        public boolean triggerMaintenancePass() {
          throw new AssertionError("not used");
        }

        @Override
        public void runMaintenancePass() {
          passes.incrementAndGet();
          if (failing.get()) {
            throw new IllegalStateException("the database went away");
          }
        }

        @Override
        public void forceMaintenancePass() {
          throw new AssertionError("not used");
        }

        @Override
        public void enableMaintenancePass(boolean enable) {
          throw new AssertionError("not used");
        }
      };

  @BeforeEach
  void schema() {
    String schema = "pace_" + UUID.randomUUID().toString().replace("-", "");
    new JdbcTemplate(source(TestDatabase.jdbcUrl())).execute("CREATE SCHEMA " + schema);
    dataSource = source(TestDatabase.jdbcUrl() + "&currentSchema=" + schema);
    jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE bt2_job_instance (id varchar(100) PRIMARY KEY, stat varchar(20) NOT NULL,"
            + " work_chunks_purged boolean NOT NULL)");
  }

  private static PGSimpleDataSource source(String url) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(url);
    source.setUser("postgres");
    return source;
  }

  private void instance(String id, StatusEnum status, boolean chunksPurged) {
    jdbc.update(
        "INSERT INTO bt2_job_instance (id, stat, work_chunks_purged) VALUES (?, ?, ?)",
        id,
        status.name(),
        chunksPurged);
  }

  private MaintenancePace pace(Duration interval) {
    return new MaintenancePace(dataSource, maintenance, interval);
  }

  @Test
  void noJobsNoPass() {
    MaintenancePace pace = pace(Duration.ofMillis(250));
    assertThat(pace.needed()).isFalse();
    pace.tick();
    assertThat(passes).hasValue(0);
  }

  @Test
  void endedJobsWhoseChunksArePurgedNeedNoPass() {
    for (StatusEnum status : StatusEnum.getEndedStatuses()) {
      instance("ended-" + status, status, true);
    }
    MaintenancePace pace = pace(Duration.ofMillis(250));
    assertThat(pace.needed()).isFalse();
    pace.tick();
    assertThat(passes).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(
      value = StatusEnum.class,
      names = {"QUEUED", "IN_PROGRESS", "FINALIZE", "ERRORED"})
  void aJobUnderWayGetsPasses(StatusEnum status) {
    instance("old", StatusEnum.COMPLETED, true);
    instance("current", status, false);
    MaintenancePace pace = pace(Duration.ofMillis(250));
    assertThat(pace.needed()).isTrue();
    pace.tick();
    assertThat(passes).hasValue(1);
  }

  @Test
  void anEndedJobStillHoldingChunksGetsAPassToPurgeThem() {
    instance("just-ended", StatusEnum.COMPLETED, false);
    assertThat(pace(Duration.ofMillis(250)).needed()).isTrue();
  }

  @Test
  void theTimerRunsPassesWhileAJobRunsAndStopsAfter() throws InterruptedException {
    instance("export", StatusEnum.IN_PROGRESS, false);
    MaintenancePace pace = pace(Duration.ofMillis(50));
    pace.start();
    try {
      awaitPasses(3);
      jdbc.update("UPDATE bt2_job_instance SET stat = 'COMPLETED', work_chunks_purged = true");
      Thread.sleep(150); // a pass already past its check may still run
      int settled = passes.get();
      Thread.sleep(400);
      assertThat(passes).as("no pass once the job ended").hasValue(settled);
    } finally {
      pace.stop();
    }
  }

  @Test
  void aFailedPassDoesNotStopTheTimer() throws InterruptedException {
    instance("export", StatusEnum.IN_PROGRESS, false);
    failing.set(true);
    MaintenancePace pace = pace(Duration.ofMillis(50));
    pace.start();
    try {
      awaitPasses(3);
    } finally {
      pace.stop();
    }
  }

  private void awaitPasses(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (passes.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(passes.get()).isGreaterThanOrEqualTo(count);
  }
}
