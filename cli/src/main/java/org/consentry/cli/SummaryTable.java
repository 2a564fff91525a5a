package org.consentry.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.TreeSet;
import org.consentry.cli.imports.ImportResult;

/**
 * The table printed at the end of an import: loaded and failed per resource type, totals, speed.
 */
final class SummaryTable {

  private SummaryTable() {}

  static void print(ImportResult result, PrintStream out) {
    TreeSet<String> types = new TreeSet<>(result.loadedByType().keySet());
    types.addAll(result.failedByType().keySet());
    int width =
        Math.max("Resource type".length(), types.stream().mapToInt(String::length).max().orElse(0));
    String row = "%-" + width + "s  %9s  %7s%n";
    out.printf(Locale.ROOT, row, "Resource type", "loaded", "failed");
    for (String type : types) {
      out.printf(
          Locale.ROOT,
          row,
          type,
          count(result.loadedByType().getOrDefault(type, 0L)),
          count(result.failedByType().getOrDefault(type, 0L)));
    }
    out.printf(Locale.ROOT, row, "Total", count(result.loaded()), count(result.failed()));
    double seconds = result.elapsed().toMillis() / 1000.0;
    out.printf(
        Locale.ROOT,
        "%s resources loaded in %.1f s, %,.0f resources/s%n",
        count(result.loaded()),
        seconds,
        result.resourcesPerSecond());
    if (!result.skipped().isEmpty()) {
      out.printf(
          Locale.ROOT,
          "%d file(s) skipped: not FHIR data (a log, a manifest, an error report...), named above.%n",
          result.skipped().size());
    }
    if (result.stopped()) {
      out.printf(
          Locale.ROOT,
          "Stopped (--on-error stop): %s resources not attempted; fix what is reported "
              + "above and run the same import again, or use --on-error skip.%n",
          count(result.notAttempted()));
    } else if (!result.failures().isEmpty()) {
      out.printf(
          Locale.ROOT,
          "%d failure(s), reported above; running the same import again is safe (it creates no duplicates).%n",
          result.failures().size());
    }
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
