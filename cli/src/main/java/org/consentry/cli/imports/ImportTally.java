package org.consentry.cli.imports;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.consentry.cli.imports.ImportOptions.OnError;

/**
 * Counts of one import run; tells the listener, and stops the run on a failure when asked to.
 * Thread-safe: NDJSON batches of one type are sent concurrently.
 */
final class ImportTally {

  /**
   * Thrown by {@link #failed} in {@link OnError#STOP} mode; ends the run, caught by {@link
   * Importer}.
   */
  static final class StopImport extends RuntimeException {
    StopImport() {
      super(null, null, false, false);
    }
  }

  static final String UNREADABLE = "(unreadable)";

  private final OnError onError;
  private final ImportListener listener;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final Map<String, Long> loaded = new HashMap<>();
  private final Map<String, Long> failed = new HashMap<>();
  private final List<ImportFailure> failures = new ArrayList<>();
  private final List<SkippedFile> skipped = new ArrayList<>();
  private long total;
  private long done;
  private boolean scanning;
  private boolean stopping;

  ImportTally(OnError onError, ImportListener listener, LongSupplier nanoTime) {
    this.onError = onError;
    this.listener = listener;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
  }

  synchronized void addToTotal(long resources) {
    total += resources;
  }

  synchronized void loaded(String type, long count) {
    loaded.merge(type, count, Long::sum);
    done += count;
    listener.progress(done, total);
  }

  /**
   * Records a failure of {@code count} resources of one type; throws {@link StopImport} when
   * stopping.
   */
  void failed(String type, long count, ImportFailure failure) {
    failed(Map.of(type, count), failure);
  }

  /** Records one failure that cost the given resources; throws {@link StopImport} when stopping. */
  synchronized void failed(Map<String, Long> countsByType, ImportFailure failure) {
    if (stopping) {
      throw new StopImport(); // a batch that was in flight when the run stopped: not counted
    }
    countsByType.forEach(
        (type, count) -> {
          failed.merge(type, count, Long::sum);
          done += count;
        });
    failures.add(failure);
    listener.failure(failure);
    listener.progress(done, total);
    if (onError == OnError.STOP && !scanning) {
      stopping = true;
      throw new StopImport();
    }
  }

  /** A file that is not FHIR data, left out: named, never a failure. */
  synchronized void skipped(SkippedFile file) {
    skipped.add(file);
    listener.skipped(file);
  }

  /**
   * While the input is scanned, failures are reported but do not stop the run yet, so that every
   * malformed line is named at once and nothing has been sent when the run stops.
   */
  synchronized void beginScan() {
    scanning = true;
  }

  /** Ends the scan; throws {@link StopImport} when stopping and the scan found anything wrong. */
  synchronized void endScan() {
    scanning = false;
    if (onError == OnError.STOP && !failures.isEmpty()) {
      throw new StopImport();
    }
  }

  synchronized ImportResult result(boolean stopped) {
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    return new ImportResult(loaded, failed, failures, total, stopped, elapsed, skipped);
  }
}
