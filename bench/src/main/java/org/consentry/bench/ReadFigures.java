package org.consentry.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Merges the read clients' histograms into the figures written to the results file. */
final class ReadFigures {

  private ReadFigures() {}

  static Map<String, Object> of(
      List<ReadBench.Worker> workers,
      List<ReadBench.Query> queries,
      int clients,
      double seconds,
      ReadTargets targets) {
    Map<String, Object> perQuery = new LinkedHashMap<>();
    long requests = 0;
    long errors = 0;
    StringBuilder summary = new StringBuilder();
    for (ReadBench.Query query : queries) {
      Histogram merged = new Histogram(60_000_000L, 3);
      long failed = 0;
      for (ReadBench.Worker worker : workers) {
        merged.add(worker.micros.get(query));
        failed += worker.errors.getOrDefault(query, 0L);
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("requests", merged.getTotalCount());
      figures.put("requestsPerSecond", round(merged.getTotalCount() / seconds));
      figures.put("p50Ms", millis(merged.getValueAtPercentile(50)));
      figures.put("p99Ms", millis(merged.getValueAtPercentile(99)));
      figures.put("maxMs", millis(merged.getMaxValue()));
      figures.put("errors", failed);
      String name = query.label();
      perQuery.put(name, figures);
      requests += merged.getTotalCount();
      errors += failed;
      summary.append(
          String.format(
              Locale.ROOT,
              "; %s p50 %.1f ms p99 %.1f ms",
              name,
              millis(merged.getValueAtPercentile(50)),
              millis(merged.getValueAtPercentile(99))));
    }
    if (requests == 0) {
      String why =
          workers.stream()
              .map(w -> w.lastError)
              .filter(e -> e != null)
              .findFirst()
              .orElse("none sent");
      throw new BenchException("no request succeeded (" + why + ")");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("clients", clients);
    figures.put("seconds", round(seconds));
    figures.put("requests", requests);
    figures.put("requestsPerSecond", round(requests / seconds));
    figures.put("errors", errors);
    figures.put("patients", targets.patientIds().size());
    figures.put("observationCodes", targets.observationCodes());
    figures.put("perQuery", perQuery);
    figures.put(
        "summary",
        String.format(
                Locale.ROOT,
                "%d clients, %,.0f requests/s, %d errors",
                clients,
                requests / seconds,
                errors)
            + summary);
    System.out.println("read: " + figures.get("summary"));
    return figures;
  }

  private static double millis(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
