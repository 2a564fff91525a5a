package org.consentry.server.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.consentry.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: once a day (and shortly after start) the events older than the retention period are
 * pruned; the store first writes a signed checkpoint covering them, so the rest of the chain stays
 * verifiable. A retention of zero keeps everything.
 */
final class AuditRetention {

  private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

  private final AuditLog store;
  private final Duration retention;
  private final Clock clock;
  private ScheduledExecutorService timer;

  AuditRetention(AuditLog store, Duration retention, Clock clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  void start() {
    if (retention.isZero()) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "audit-retention");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(this::pruneNow, 5, TimeUnit.DAYS.toMinutes(1), TimeUnit.MINUTES);
  }

  /** Prunes what is older than the retention period; returns how many events were pruned. */
  long pruneNow() {
    try {
      long pruned = store.prune(clock.instant().minus(retention));
      if (pruned > 0) {
        log.info("audit retention: pruned {} events older than {}", pruned, retention);
      }
      return pruned;
    } catch (RuntimeException e) {
      log.warn("audit retention: pruning failed, will try again tomorrow: {}", e.getMessage());
      return 0;
    }
  }

  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
