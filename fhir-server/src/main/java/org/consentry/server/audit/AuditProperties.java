package org.consentry.server.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code consentry.audit.*}: the audit trail.
 *
 * @param enabled whether accesses are recorded; on by default, and off only to measure what the
 *     audit costs (the server then logs a warning at start)
 * @param flushInterval how often queued events are written to the database (at most 1 s: a crash
 *     loses at most the events of the last interval)
 * @param checkpointEvery a signed checkpoint after this many events
 * @param checkpointInterval and at least this often while events arrive
 * @param queueCapacity events held in memory while the store cannot be written; beyond it, reads of
 *     patient data are refused (503)
 * @param retention how long events are kept (pruned daily, a checkpoint covering what was pruned);
 *     {@code 0} keeps everything
 */
@ConfigurationProperties("consentry.audit")
record AuditProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("200ms") Duration flushInterval,
    @DefaultValue("1000") int checkpointEvery,
    @DefaultValue("10s") Duration checkpointInterval,
    @DefaultValue("100000") int queueCapacity,
    @DefaultValue("2190d") Duration retention) {

  AuditProperties {
    if (flushInterval.isNegative()
        || flushInterval.isZero()
        || flushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "consentry.audit.flush-interval must be between 1 ms and 1 s (events are written within"
              + " a second), not "
              + flushInterval);
    }
    if (checkpointEvery < 1 || queueCapacity < 1000) {
      throw new IllegalArgumentException(
          "consentry.audit.checkpoint-every must be at least 1 and queue-capacity at least 1000");
    }
    if (retention.isNegative()) {
      throw new IllegalArgumentException(
          "consentry.audit.retention must be a positive duration such as 2190d, or 0 to keep all");
    }
  }
}
