package org.consentry.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AuditLog} batches and signs. Use {@link #defaults()} and the {@code with...}
 * methods.
 *
 * @param flushInterval how long the writer waits before writing what is queued (default 200 ms,
 *     never above 1 s: an event is durable at most about this long after {@code append}, as long as
 *     the database keeps up; a full batch is written at once)
 * @param maxBatch records per transaction at most (default 1,000)
 * @param queueCapacity records held in memory, queued or waiting for a retry, at most (default
 *     100,000); {@code append} beyond it throws {@link AuditUnavailableException}
 * @param checkpointEvery a signed checkpoint once this many records were chained since the last one
 *     (default 1,000), at the end of the flush that passes it
 * @param checkpointInterval or once this much time passed since the last one and records were
 *     chained since (default 10 s)
 * @param closeTimeout how long {@link AuditLog#close()} keeps retrying to write what is queued
 *     (default 10 s)
 */
public record AuditSettings(
    Duration flushInterval,
    int maxBatch,
    int queueCapacity,
    int checkpointEvery,
    Duration checkpointInterval,
    Duration closeTimeout) {

  private static final Duration MAX_FLUSH_INTERVAL = Duration.ofSeconds(1);

  public AuditSettings {
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    if (flushInterval.isNegative()
        || flushInterval.isZero()
        || flushInterval.compareTo(MAX_FLUSH_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "flushInterval must be above 0 and at most 1 s: " + flushInterval);
    }
    if (maxBatch < 1 || queueCapacity < maxBatch || checkpointEvery < 1) {
      throw new IllegalArgumentException(
          "need maxBatch >= 1, queueCapacity >= maxBatch, checkpointEvery >= 1");
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("checkpointInterval must be positive");
    }
    if (closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative");
    }
  }

  /** 200 ms, 1,000 per batch, 100,000 in memory, a checkpoint per 1,000 records or 10 s. */
  public static AuditSettings defaults() {
    return new AuditSettings(
        Duration.ofMillis(200),
        1000,
        100_000,
        1000,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  public AuditSettings withFlushInterval(Duration value) {
    return new AuditSettings(
        value, maxBatch, queueCapacity, checkpointEvery, checkpointInterval, closeTimeout);
  }

  public AuditSettings withMaxBatch(int value) {
    return new AuditSettings(
        flushInterval, value, queueCapacity, checkpointEvery, checkpointInterval, closeTimeout);
  }

  public AuditSettings withQueueCapacity(int value) {
    return new AuditSettings(
        flushInterval, maxBatch, value, checkpointEvery, checkpointInterval, closeTimeout);
  }

  public AuditSettings withCheckpointEvery(int records, Duration interval) {
    return new AuditSettings(
        flushInterval, maxBatch, queueCapacity, records, interval, closeTimeout);
  }

  public AuditSettings withCloseTimeout(Duration value) {
    return new AuditSettings(
        flushInterval, maxBatch, queueCapacity, checkpointEvery, checkpointInterval, value);
  }
}
