package org.consentry.cli.imports;

import java.util.Objects;

/**
 * How an {@link Importer} sends data.
 *
 * @param batchSize most resources in one NDJSON transaction Bundle (1 to 10,000)
 * @param maxBatchBytes most bytes of resource JSON in one NDJSON transaction Bundle; a single
 *     resource larger than this still goes, alone
 * @param onError whether the first resource that fails for good stops the import
 * @param bearerToken sent as {@code Authorization: Bearer}; null for none. Never printed.
 * @param listener hears progress and failures while the import runs
 * @param parallel NDJSON transactions of one type sent at the same time (1 to 8); with more than
 *     one, a batch already in flight when the import stops still completes
 */
public record ImportOptions(
    int batchSize,
    long maxBatchBytes,
    OnError onError,
    String bearerToken,
    ImportListener listener,
    int parallel) {

  public static final int DEFAULT_BATCH_SIZE = 500;
  public static final long DEFAULT_MAX_BATCH_BYTES = 8L * 1024 * 1024;

  /** Two in flight: one transaction keeps about one server core busy (bench/README.md). */
  public static final int DEFAULT_PARALLEL = 2;

  /** What to do when a resource fails for good. */
  public enum OnError {
    /** report it, load nothing more, and end with failures */
    STOP,
    /** report it and go on with the rest */
    SKIP
  }

  public ImportOptions {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException(
          "batch size must be between 1 and 10000, not " + batchSize);
    }
    if (maxBatchBytes < 1024) {
      throw new IllegalArgumentException("batch bytes must be at least 1024, not " + maxBatchBytes);
    }
    if (parallel < 1 || parallel > 8) {
      throw new IllegalArgumentException("parallel must be between 1 and 8, not " + parallel);
    }
    Objects.requireNonNull(onError, "onError");
    Objects.requireNonNull(listener, "listener");
  }

  /**
   * 500 resources or 8 MiB per transaction, two at a time, stop at the first failure, no token, no
   * listener.
   */
  public static ImportOptions defaults() {
    return new ImportOptions(
        DEFAULT_BATCH_SIZE,
        DEFAULT_MAX_BATCH_BYTES,
        OnError.STOP,
        null,
        ImportListener.NONE,
        DEFAULT_PARALLEL);
  }

  public ImportOptions withParallel(int transactions) {
    return new ImportOptions(
        batchSize, maxBatchBytes, onError, bearerToken, listener, transactions);
  }

  public ImportOptions withBatchSize(int size) {
    return new ImportOptions(size, maxBatchBytes, onError, bearerToken, listener, parallel);
  }

  public ImportOptions withMaxBatchBytes(long bytes) {
    return new ImportOptions(batchSize, bytes, onError, bearerToken, listener, parallel);
  }

  public ImportOptions withOnError(OnError mode) {
    return new ImportOptions(batchSize, maxBatchBytes, mode, bearerToken, listener, parallel);
  }

  public ImportOptions withBearerToken(String token) {
    return new ImportOptions(batchSize, maxBatchBytes, onError, token, listener, parallel);
  }

  public ImportOptions withListener(ImportListener newListener) {
    return new ImportOptions(batchSize, maxBatchBytes, onError, bearerToken, newListener, parallel);
  }

  @Override
  public String toString() {
    return "ImportOptions[batchSize="
        + batchSize
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", onError="
        + onError
        + ", bearerToken="
        + (bearerToken == null ? "none" : "(set)")
        + ", parallel="
        + parallel
        + "]";
  }
}
