package org.consentry.cli.imports;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did.
 *
 * @param loadedByType resources the server accepted, per resource type (sorted by type)
 * @param failedByType resources that did not load, per resource type; {@code "(unreadable)"} for
 *     lines that are not a resource at all
 * @param failures each failure once, in the order found
 * @param total resources found in the input (malformed lines and unloadable files count one each)
 * @param stopped true when {@link ImportOptions.OnError#STOP} ended the import early
 * @param elapsed wall time of the whole import, scanning included
 * @param skipped files found in folders that are not FHIR data (a log, a manifest, an error
 *     report), left out; not failures
 */
public record ImportResult(
    Map<String, Long> loadedByType,
    Map<String, Long> failedByType,
    List<ImportFailure> failures,
    long total,
    boolean stopped,
    Duration elapsed,
    List<SkippedFile> skipped) {

  public ImportResult {
    loadedByType = Collections.unmodifiableMap(new TreeMap<>(loadedByType));
    failedByType = Collections.unmodifiableMap(new TreeMap<>(failedByType));
    failures = List.copyOf(failures);
    skipped = List.copyOf(skipped);
  }

  public long loaded() {
    return loadedByType.values().stream().mapToLong(Long::longValue).sum();
  }

  public long failed() {
    return failedByType.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Resources never tried because the import stopped early. */
  public long notAttempted() {
    return Math.max(0, total - loaded() - failed());
  }

  /** True when everything found in the input loaded. */
  public boolean succeeded() {
    return failures.isEmpty() && !stopped;
  }

  /** Loaded resources per second of elapsed time. */
  public double resourcesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : loaded() / seconds;
  }
}
