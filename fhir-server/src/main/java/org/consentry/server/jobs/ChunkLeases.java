package org.consentry.server.jobs;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Hands the work of a dead node back to Batch2.
 *
 * <p>HAPI 8.8 sends a work chunk's notification through the node's in-memory channel after moving
 * the chunk READY to QUEUED; a worker then moves it to IN_PROGRESS and on to COMPLETED. Nothing in
 * HAPI moves a QUEUED, IN_PROGRESS or ERRORED chunk back (its maintenance pass only enqueues READY
 * chunks), because HAPI expects a durable broker to redeliver the message. With the in-memory
 * channel, a chunk whose node died, or was restarted, stays in its state for ever and its job never
 * ends. So every chunk a node sends gets a lease in {@code consentry_job_lease} (in the same
 * transaction that queues it), the node renews its leases while it lives, and any node sets a chunk
 * in one of those states whose lease ran out back to READY, for the next maintenance pass to queue
 * on a live node. A job whose final reduction step was running on a dead node (FINALIZE, whose
 * update time HAPI's reducer heartbeat refreshes each minute) is set back to IN_PROGRESS once its
 * update time has stayed unchanged for {@code finalizeExpiry}, so a live node runs the reduction.
 */
final class ChunkLeases {

  private static final Logger LOG = LoggerFactory.getLogger(ChunkLeases.class);

  private final JdbcTemplate jdbc;
  private final String node = UUID.randomUUID().toString();
  private final JobsProperties properties;
  private final Clock clock;
  private final Map<String, Observed> finalizing = new HashMap<>();
  private final JobTimer timer;

  private record Observed(Timestamp updated, Instant since) {}

  ChunkLeases(DataSource dataSource, JobsProperties properties, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.properties = properties;
    this.clock = clock;
    this.timer = new JobTimer("consentry-job-leases", properties.leaseRenewal(), this::pass);
  }

  void createTables() {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS consentry_job_lease (chunk_id varchar(100) PRIMARY KEY,"
            + " node varchar(64) NOT NULL, renewed timestamptz NOT NULL)");
  }

  String node() {
    return node;
  }

  /** Called as this node queues a chunk for itself, before its notification is sent. */
  void lease(String chunkId) {
    jdbc.update(
        "INSERT INTO consentry_job_lease (chunk_id, node, renewed) VALUES (?, ?, clock_timestamp())"
            + " ON CONFLICT (chunk_id) DO UPDATE SET node = excluded.node,"
            + " renewed = excluded.renewed",
        chunkId,
        node);
  }

  /** Renews this node's leases, forgets those of finished chunks. */
  void renew() {
    jdbc.update("UPDATE consentry_job_lease SET renewed = clock_timestamp() WHERE node = ?", node);
    jdbc.update(
        "DELETE FROM consentry_job_lease l WHERE NOT EXISTS (SELECT 1 FROM bt2_work_chunk c"
            + " WHERE c.id = l.chunk_id AND c.stat NOT IN ('COMPLETED', 'FAILED'))");
  }

  /**
   * Sets chunks held by a node that stopped renewing back to READY.
   *
   * @return how many
   */
  int reapChunks() {
    int reaped =
        jdbc.update(
            "UPDATE bt2_work_chunk c SET stat = 'READY'"
                + " WHERE c.stat IN ('QUEUED', 'IN_PROGRESS', 'ERRORED') AND NOT EXISTS"
                + " (SELECT 1 FROM consentry_job_lease l WHERE l.chunk_id = c.id"
                + " AND l.renewed > clock_timestamp() - ? * interval '1 millisecond')",
            properties.leaseExpiry().toMillis());
    if (reaped > 0) {
      LOG.warn("{} job work chunks of a stopped node handed back to Batch2", reaped);
    }
    return reaped;
  }

  /**
   * Sets jobs whose reduction step ran on a dead node back to IN_PROGRESS.
   *
   * @return how many
   */
  synchronized int reapFinalizing() {
    Instant now = clock.instant();
    Map<String, Timestamp> current = new HashMap<>();
    jdbc.query(
        "SELECT id, update_time FROM bt2_job_instance WHERE stat = 'FINALIZE'",
        row -> {
          current.put(row.getString(1), row.getTimestamp(2));
        });
    finalizing.keySet().retainAll(current.keySet());
    int reaped = 0;
    for (Map.Entry<String, Timestamp> job : current.entrySet()) {
      Observed seen = finalizing.get(job.getKey());
      if (seen == null || !Objects.equals(seen.updated(), job.getValue())) {
        finalizing.put(job.getKey(), new Observed(job.getValue(), now));
      } else if (Duration.between(seen.since(), now).compareTo(properties.finalizeExpiry()) > 0) {
        reaped +=
            jdbc.update(
                "UPDATE bt2_job_instance SET stat = 'IN_PROGRESS' WHERE id = ? AND stat = 'FINALIZE'"
                    + " AND update_time IS NOT DISTINCT FROM ?",
                job.getKey(),
                job.getValue());
        finalizing.remove(job.getKey());
        LOG.warn("job {} stalled in its final step; handed back to Batch2", job.getKey());
      }
    }
    return reaped;
  }

  /** Deletes the progress counts of jobs Batch2 has purged. */
  void forgetPurgedJobs() {
    jdbc.update(
        "DELETE FROM consentry_job_count c WHERE NOT EXISTS"
            + " (SELECT 1 FROM bt2_job_instance i WHERE i.id = c.instance_id)");
  }

  void pass() {
    try {
      renew();
      reapChunks();
      reapFinalizing();
      forgetPurgedJobs();
    } catch (RuntimeException e) {
      LOG.warn("job lease pass failed: {}", e.getMessage());
    }
  }

  void start() {
    timer.start();
  }

  void stop() {
    timer.stop();
  }
}
