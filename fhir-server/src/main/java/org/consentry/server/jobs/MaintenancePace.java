package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.StatusEnum;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs Batch2's maintenance pass at the job maintenance interval only while a job needs it.
 *
 * <p>HAPI's pass visits every job instance it keeps, the ended ones too (for a week), with several
 * queries each. At the interval an export needs to move quickly from step to step (a fraction of a
 * second), an idle server holding a few dozen past jobs spent a third of a core on those passes. So
 * HAPI's own schedule runs at its default, {@link #IDLE} (it purges old instances), and this timer
 * runs the pass at the job maintenance interval only when some instance is due: not ended, or
 * completed or failed with work chunks not yet purged. One query on the instance table finds them,
 * and the pass visits only those ({@link DueInstances}). A cancelled instance is not due: HAPI
 * leaves its chunks in place until it expires.
 */
final class MaintenancePace {

  /** HAPI's own maintenance schedule (its default). */
  static final Duration IDLE = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(MaintenancePace.class);

  private final JdbcTemplate jdbc;
  private final IJobMaintenanceService maintenance;
  private final String due;
  private final JobTimer timer;
  private boolean failing; // only the timer's thread ticks

  MaintenancePace(DataSource dataSource, IJobMaintenanceService maintenance, Duration interval) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.maintenance = maintenance;
    this.timer = new JobTimer("consentry-job-maintenance", interval, this::tick);
    String running =
        StatusEnum.getNotEndedStatuses().stream()
            .map(status -> "'" + status.name() + "'")
            .sorted()
            .collect(Collectors.joining(", "));
    this.due =
        "SELECT id FROM bt2_job_instance WHERE stat IN ("
            + running
            + ") OR (stat IN ('COMPLETED', 'FAILED') AND NOT work_chunks_purged)"
            + " ORDER BY create_time, id";
  }

  /**
   * The ids of the instances a pass is due for: jobs under way, and ended ones whose work chunks
   * the pass still has to purge.
   */
  List<String> due() {
    return jdbc.queryForList(due, String.class);
  }

  /**
   * One tick of the timer. A failure (the database unreachable, say) is logged once, not four times
   * a second, and its end too.
   */
  void tick() {
    try {
      List<String> instances = due();
      if (!instances.isEmpty()) {
        DueInstances.pass(instances, maintenance::runMaintenancePass);
      }
      if (failing) {
        failing = false;
        LOG.info("job maintenance passes run again");
      }
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn("job maintenance pass failed (retried quietly until it runs): {}", e.getMessage());
      }
    }
  }

  void start() {
    timer.start();
  }

  void stop() {
    timer.stop();
  }
}
