package org.consentry.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Merges the count benchmark's histograms into per-side figures and the A/B ratios. */
final class CountFigures {

  private CountFigures() {}

  static Map<String, Object> of(
      CountBench.Side a,
      CountBench.Side b,
      List<String> queries,
      Map<CountBench.Side, List<CountBench.Worker>> measured,
      Map<CountBench.Side, Double> elapsed,
      Map<CountBench.Side, Map<String, Long>> totals,
      List<Map<String, Object>> perRound,
      int clients,
      int rounds,
      int seconds) {
    Map<String, Object> sideA = side(a, queries, measured.get(a), elapsed.get(a), totals.get(a));
    Map<String, Object> sideB = side(b, queries, measured.get(b), elapsed.get(b), totals.get(b));
    Map<String, Object> ratio = new LinkedHashMap<>();
    ratio.put("p50", ratio(sideA.get("p50Ms"), sideB.get("p50Ms")));
    ratio.put("p99", ratio(sideA.get("p99Ms"), sideB.get("p99Ms")));
    ratio.put(
        "requestsPerSecond", ratio(sideA.get("requestsPerSecond"), sideB.get("requestsPerSecond")));
    Map<String, Object> ratioPerQuery = new LinkedHashMap<>();
    StringBuilder perQuery = new StringBuilder();
    for (String query : queries) {
      Map<?, ?> qa = (Map<?, ?>) ((Map<?, ?>) sideA.get("perQuery")).get(query);
      Map<?, ?> qb = (Map<?, ?>) ((Map<?, ?>) sideB.get("perQuery")).get(query);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("p50", ratio(qa.get("p50Ms"), qb.get("p50Ms")));
      r.put("p99", ratio(qa.get("p99Ms"), qb.get("p99Ms")));
      ratioPerQuery.put(query, r);
      perQuery.append(
          String.format(
              Locale.ROOT,
              "; %s: p50 %s/%s ms, p99 %s/%s ms, count %s/%s",
              query,
              qa.get("p50Ms"),
              qb.get("p50Ms"),
              qa.get("p99Ms"),
              qb.get("p99Ms"),
              count(totals.get(a).get(query)),
              count(totals.get(b).get(query))));
    }
    ratio.put("perQuery", ratioPerQuery);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("clients", clients);
    figures.put("rounds", rounds);
    figures.put("secondsPerPhase", seconds);
    figures.put("queries", queries);
    figures.put("a", sideA);
    figures.put("b", sideB);
    figures.put("ratioAtoB", ratio);
    figures.put("perRound", perRound);
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "A=%s vs B=%s, %d client(s), %d rounds x %d s: A %.1f req/s p50 %s ms p99 %s ms; B %.1f req/s p50 %s ms p99 %s ms;"
                + " A/B p50 %s, p99 %s, req/s %s%s",
            a.label(),
            b.label(),
            clients,
            rounds,
            seconds,
            (Double) sideA.get("requestsPerSecond"),
            sideA.get("p50Ms"),
            sideA.get("p99Ms"),
            (Double) sideB.get("requestsPerSecond"),
            sideB.get("p50Ms"),
            sideB.get("p99Ms"),
            ratio.get("p50"),
            ratio.get("p99"),
            ratio.get("requestsPerSecond"),
            perQuery));
    System.out.println("count: " + figures.get("summary"));
    return figures;
  }

  /** One measured phase of one side, for drift: requests/s and p50 over all its queries. */
  static Map<String, Object> round(
      int round, CountBench.Side side, List<CountBench.Worker> workers, double seconds) {
    Histogram all = new Histogram(120_000_000L, 3);
    long errors = 0;
    for (CountBench.Worker worker : workers) {
      worker.micros.values().forEach(all::add);
      errors += worker.errors.values().stream().mapToLong(Long::longValue).sum();
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("round", round);
    figures.put("side", side.name());
    figures.put("requestsPerSecond", round1(all.getTotalCount() / seconds));
    figures.put("p50Ms", millis(all.getValueAtPercentile(50)));
    figures.put("errors", errors);
    System.out.printf(
        Locale.ROOT,
        "count round %d %s (%s): %.1f req/s, p50 %.1f ms, %d errors%n",
        round,
        side.name(),
        side.label(),
        all.getTotalCount() / seconds,
        millis(all.getValueAtPercentile(50)),
        errors);
    return figures;
  }

  private static Map<String, Object> side(
      CountBench.Side side,
      List<String> queries,
      List<CountBench.Worker> workers,
      double seconds,
      Map<String, Long> totals) {
    Histogram all = new Histogram(120_000_000L, 3);
    Map<String, Object> perQuery = new LinkedHashMap<>();
    long errors = 0;
    String lastError = null;
    for (String query : queries) {
      Histogram merged = new Histogram(120_000_000L, 3);
      long failed = 0;
      for (CountBench.Worker worker : workers) {
        merged.add(worker.micros.get(query));
        failed += worker.errors.getOrDefault(query, 0L);
        lastError = worker.lastError != null ? worker.lastError : lastError;
      }
      all.add(merged);
      errors += failed;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("count", totals.get(query));
      figures.put("requests", merged.getTotalCount());
      figures.put("requestsPerSecond", round1(merged.getTotalCount() / seconds));
      figures.put("p50Ms", millis(merged.getValueAtPercentile(50)));
      figures.put("p99Ms", millis(merged.getValueAtPercentile(99)));
      figures.put("maxMs", millis(merged.getMaxValue()));
      figures.put("errors", failed);
      perQuery.put(query, figures);
    }
    if (all.getTotalCount() == 0) {
      throw new BenchException(
          "no count request as " + side.label() + " succeeded (" + lastError + ")");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("label", side.label());
    figures.put("seconds", round1(seconds));
    figures.put("requests", all.getTotalCount());
    figures.put("requestsPerSecond", round1(all.getTotalCount() / seconds));
    figures.put("p50Ms", millis(all.getValueAtPercentile(50)));
    figures.put("p99Ms", millis(all.getValueAtPercentile(99)));
    figures.put("errors", errors);
    if (lastError != null) {
      figures.put("lastError", lastError);
    }
    figures.put("perQuery", perQuery);
    return figures;
  }

  private static String count(Long total) {
    return total == null ? "none" : String.format(Locale.ROOT, "%,d", total);
  }

  private static double ratio(Object a, Object b) {
    double denominator = ((Number) b).doubleValue();
    return denominator == 0
        ? Double.NaN
        : Math.round(((Number) a).doubleValue() / denominator * 100) / 100.0;
  }

  private static double millis(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
