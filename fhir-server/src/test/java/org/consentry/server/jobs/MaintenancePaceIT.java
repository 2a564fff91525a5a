package org.consentry.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * When Batch2's maintenance pass runs at the job maintenance interval, and which instances it
 * visits: against PostgreSQL, on a stand-in for Batch2's instance table (only the columns the pace
 * reads) in a schema of its own, with a maintenance service that counts its passes and lists the
 * instances through the wrapped job store, as HAPI's pass does.
 */
class MaintenancePaceIT {

  private PGSimpleDataSource dataSource;
  private JdbcTemplate jdbc;
  private final AtomicInteger passes = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final List<List<String>> visited = new CopyOnWriteArrayList<>();
  private IJobPersistence store;

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
          visited.add(listed(store));
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
            + " work_chunks_purged boolean NOT NULL, create_time timestamp NOT NULL DEFAULT"
            + " clock_timestamp())");
    store = DueInstances.wrap(standInStore());
  }

  /**
   * A job store answering the two calls the pass lists instances with from the stand-in table; the
   * whole table, in creation order, whatever the page.
   */
  private IJobPersistence standInStore() {
    return (IJobPersistence)
        Proxy.newProxyInstance(
            IJobPersistence.class.getClassLoader(),
            new Class<?>[] {IJobPersistence.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "fetchInstance" ->
                      jdbc
                          .queryForList(
                              "SELECT id FROM bt2_job_instance WHERE id = ?", String.class, args[0])
                          .stream()
                          .findFirst()
                          .map(MaintenancePaceIT::jobInstance);
                  case "fetchInstances" ->
                      jdbc
                          .queryForList(
                              "SELECT id FROM bt2_job_instance ORDER BY create_time LIMIT ? OFFSET ?",
                              String.class,
                              args[0],
                              (int) args[0] * (int) args[1])
                          .stream()
                          .map(MaintenancePaceIT::jobInstance)
                          .toList();
                  default -> throw new AssertionError("not used: " + method);
                });
  }

  private static JobInstance jobInstance(String id) {
    JobInstance instance = new JobInstance();
    instance.setInstanceId(id);
    return instance;
  }

  /** The ids of the instances a pass lists, paging as HAPI's pass does. */
  private static List<String> listed(IJobPersistence store) {
    List<String> ids = new ArrayList<>();
    for (int page = 0; ; page++) {
      List<JobInstance> instances = store.fetchInstances(100, page);
      instances.forEach(instance -> ids.add(instance.getInstanceId()));
      if (instances.size() < 100) {
        return ids;
      }
    }
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
    assertThat(pace.due()).isEmpty();
    pace.tick();
    assertThat(passes).hasValue(0);
  }

  @Test
  void endedJobsWhoseChunksArePurgedNeedNoPass() {
    for (StatusEnum status : StatusEnum.getEndedStatuses()) {
      instance("ended-" + status, status, true);
    }
    MaintenancePace pace = pace(Duration.ofMillis(250));
    assertThat(pace.due()).isEmpty();
    pace.tick();
    assertThat(passes).hasValue(0);
  }

  @Test
  void aCancelledJobNeedsNoPass_hapiKeepsItsChunksUntilItExpires() {
    instance("cancelled", StatusEnum.CANCELLED, false);
    assertThat(pace(Duration.ofMillis(250)).due()).isEmpty();
  }

  @Test
  void aPassVisitsOnlyTheDueInstances_everyOtherListingSeesThemAll() {
    for (int i = 0; i < 150; i++) {
      instance("old-" + i, StatusEnum.COMPLETED, true);
    }
    instance("cancelled", StatusEnum.CANCELLED, false);
    instance("export", StatusEnum.IN_PROGRESS, false);
    instance("just-ended", StatusEnum.FAILED, false);
    instance("next", StatusEnum.QUEUED, false);

    pace(Duration.ofMillis(250)).tick();

    assertThat(visited).containsExactly(List.of("export", "just-ended", "next"));
    assertThat(listed(store)).hasSize(154).contains("old-0", "old-149", "cancelled", "export");
  }

  @Test
  void anInstanceGoneBetweenTheCheckAndThePassIsLeftOut() {
    instance("export", StatusEnum.IN_PROGRESS, false);
    instance("purged", StatusEnum.COMPLETED, false);
    List<String> due = pace(Duration.ofMillis(250)).due();
    jdbc.update("DELETE FROM bt2_job_instance WHERE id = 'purged'");
    DueInstances.pass(due, () -> visited.add(listed(store)));
    assertThat(visited).containsExactly(List.of("export"));
    assertThat(listed(store)).containsExactly("export");
  }

  @ParameterizedTest
  @EnumSource(
      value = StatusEnum.class,
      names = {"QUEUED", "IN_PROGRESS", "FINALIZE", "ERRORED"})
  void aJobUnderWayGetsPasses(StatusEnum status) {
    instance("old", StatusEnum.COMPLETED, true);
    instance("current", status, false);
    MaintenancePace pace = pace(Duration.ofMillis(250));
    assertThat(pace.due()).containsExactly("current");
    pace.tick();
    assertThat(passes).hasValue(1);
    assertThat(visited).containsExactly(List.of("current"));
  }

  @Test
  void anEndedJobStillHoldingChunksGetsAPassToPurgeThem() {
    instance("just-ended", StatusEnum.COMPLETED, false);
    assertThat(pace(Duration.ofMillis(250)).due()).containsExactly("just-ended");
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
