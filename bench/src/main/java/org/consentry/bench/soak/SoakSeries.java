package org.consentry.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.consentry.bench.soak.SoakStats.Kind;

/**
 * The soak's time series: one row per interval (printed, and appended to the CSV file as it comes,
 * so an interrupted run keeps its rows) with the requests per second by kind, the latency, errors,
 * leaks and each node's resident memory ({@code VmRSS} of {@code /proc/PID/status}); and at the end
 * the summary, with the drift of each node's resident memory from the baseline to the end: of the
 * settled figures ({@link SettledMemory}, after a full collection at the baseline and at the end)
 * when they could be measured, else of the rows; the drift under load is reported beside it.
 */
final class SoakSeries {

  /** Growth of resident memory from the baseline to the end that fails the soak, in percent. */
  static final double DRIFT_LIMIT = 10.0;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private record Row(double elapsed, SoakStats.Interval interval, double seconds, long[] rssKb) {}

  private final Path csv;
  private final List<Long> pids;
  private final List<Row> rows = new ArrayList<>();
  private long[] settledBase;
  private long[] settledEnd;

  SoakSeries(Path csv, List<Long> pids) {
    this.csv = csv;
    this.pids = List.copyOf(pids);
    StringBuilder header = new StringBuilder("elapsed_s,requests_per_s");
    for (Kind kind : Kind.values()) {
      header.append(',').append(kind.label.replace('-', '_')).append("_per_s");
    }
    header.append(",p50_ms,p99_ms,errors,leaks");
    for (long pid : pids) {
      header.append(",rss_mb_pid").append(pid);
    }
    write(header + "\n", false);
  }

  /**
   * Resident memory after a full collection ({@link SettledMemory}): the first call is the
   * baseline, the second the end; null if it could not be measured.
   */
  void settled(long[] kb, double elapsed) {
    if (kb == null) {
      return;
    }
    if (settledBase == null) {
      settledBase = kb;
    } else {
      settledEnd = kb;
    }
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "[%5.0f s] RSS MB after a full GC (settled):", elapsed));
    for (int i = 0; i < kb.length; i++) {
      line.append(' ').append(pids.get(i)).append('=').append(kb[i] < 0 ? "gone" : kb[i] / 1024);
    }
    System.out.println(line);
  }

  double lastElapsed() {
    return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).elapsed();
  }

  /** One interval of {@code seconds}, ending {@code elapsed} seconds into the run. */
  void add(double elapsed, SoakStats.Interval interval, double seconds) {
    long[] rss = new long[pids.size()];
    for (int i = 0; i < rss.length; i++) {
      rss[i] = rssKb(pids.get(i));
    }
    rows.add(new Row(elapsed, interval, seconds, rss));
    double per = Math.max(seconds, 0.001);
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "[%5.0f s] %6.1f req/s (", elapsed, interval.total() / per));
    StringBuilder row =
        new StringBuilder(String.format(Locale.ROOT, "%.1f,%.2f", elapsed, interval.total() / per));
    boolean first = true;
    for (Kind kind : Kind.values()) {
      double rate = interval.requests().get(kind) / per;
      line.append(first ? "" : " ").append(kind.label).append(' ').append(fmt(rate));
      row.append(',').append(String.format(Locale.ROOT, "%.2f", rate));
      first = false;
    }
    line.append(
        String.format(
            Locale.ROOT,
            ") p50 %s ms p99 %s ms, errors %d, leaks %d",
            SoakStats.ms(interval.p50Ms()),
            SoakStats.ms(interval.p99Ms()),
            interval.errors(),
            interval.leaks()));
    row.append(
        String.format(
            Locale.ROOT,
            ",%.1f,%.1f,%d,%d",
            interval.p50Ms(),
            interval.p99Ms(),
            interval.errors(),
            interval.leaks()));
    if (!pids.isEmpty()) {
      line.append(", RSS MB");
    }
    for (int i = 0; i < rss.length; i++) {
      line.append(' ').append(pids.get(i)).append('=').append(rss[i] < 0 ? "gone" : rss[i] / 1024);
      row.append(',').append(rss[i] < 0 ? "" : String.valueOf(rss[i] / 1024));
    }
    System.out.println(line);
    write(row + "\n", true);
  }

  /** The run's summary figures, printed too; {@code passed} says whether the soak passed. */
  Map<String, Object> summary(
      SoakStats stats,
      int baselineSeconds,
      int seconds,
      int clients,
      List<URI> nodes,
      long[] checked,
      String run,
      String label,
      boolean probe) {
    long total = 0;
    Map<String, Object> byKind = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      byKind.put(kind.label, stats.requests(kind));
      total += stats.requests(kind);
    }
    double[] latency = stats.overall();
    // the baseline: the first row at or after baselineSeconds; a run too short for it, its first
    // row
    Row base = rows.get(0);
    for (Row row : rows) {
      if (row.elapsed() >= baselineSeconds - 0.5) {
        base = row;
        break;
      }
    }
    Row last = rows.get(rows.size() - 1);
    // the drift that decides: of the settled figures when both were measured, else of the rows
    boolean settled = settledBase != null && settledEnd != null;
    Map<String, Object> drift = new LinkedHashMap<>();
    double worst =
        drift(settled ? settledBase : base.rssKb(), settled ? settledEnd : last.rssKb(), drift);
    Map<String, Object> unsettled = new LinkedHashMap<>();
    drift(base.rssKb(), last.rssKb(), unsettled);
    boolean passed = stats.errors() == 0 && stats.leaks() == 0 && worst < DRIFT_LIMIT;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("run", run);
    figures.put("label", label);
    figures.put("nodes", nodes.stream().map(URI::toString).toList());
    figures.put("clients", clients);
    figures.put("seconds", seconds);
    figures.put("leakProbe", probe);
    figures.put("requests", total);
    figures.put("requestsPerSecond", Math.round(total / Math.max(1.0, last.elapsed()) * 10) / 10.0);
    figures.put("requestsByKind", byKind);
    figures.put("p50Ms", latency[0]);
    figures.put("p99Ms", latency[1]);
    figures.put("maxMs", latency[2]);
    figures.put("errors", stats.errors());
    figures.put("leaks", stats.leaks());
    figures.put("checkedUnderDenial", checked[0]);
    figures.put("checkedUnderAllowance", checked[1]);
    figures.put("rssBaselineAtSeconds", Math.round(base.elapsed()));
    figures.put("rssDriftSettled", settled);
    figures.put("rssDrift", drift);
    figures.put("rssDriftUnderLoad", unsettled);
    figures.put("passed", passed);
    String driftText =
        drift.isEmpty()
            ? "RSS not measured (no pids)"
            : "RSS drift "
                + text(drift)
                + " from "
                + Math.round(base.elapsed())
                + " s"
                + (settled ? " (after a full GC; under load: " + text(unsettled) + ")" : "");
    String summary =
        String.format(
            Locale.ROOT,
            "%d clients, %d s, %d distinct nodes: %,d requests (%.1f/s), p50 %s ms p99 %s ms, %d errors, %d leaks; %s%s",
            clients,
            seconds,
            nodes.stream().distinct().count(),
            total,
            total / Math.max(1.0, last.elapsed()),
            SoakStats.ms(latency[0]),
            SoakStats.ms(latency[1]),
            stats.errors(),
            stats.leaks(),
            driftText,
            probe ? " (leak probe)" : passed ? ": PASSED" : ": FAILED");
    figures.put("summary", summary);
    List<Map<String, Object>> series = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("elapsed", Math.round(row.elapsed() * 10) / 10.0);
      point.put(
          "requestsPerSecond",
          Math.round(row.interval().total() / Math.max(row.seconds(), 0.001) * 10) / 10.0);
      point.put("p50Ms", row.interval().p50Ms());
      point.put("p99Ms", row.interval().p99Ms());
      point.put("errors", row.interval().errors());
      point.put("leaks", row.interval().leaks());
      List<Long> rssMb = new ArrayList<>();
      for (long kb : row.rssKb()) {
        rssMb.add(kb < 0 ? null : kb / 1024);
      }
      point.put("rssMb", rssMb);
      series.add(point);
    }
    figures.put("series", series);
    System.out.printf(
        Locale.ROOT,
        "== invariant: %,d answers checked while a watched patient's denial held, %,d while its"
            + " allowance held%n",
        checked[0],
        checked[1]);
    System.out.println("== summary: " + summary);
    return figures;
  }

  /** Writes {@code <stem>.json} and a row of {@code summary.md}, as the other benchmarks do. */
  Path writeJson(Path dir, String stem, Instant time, Map<String, Object> figures) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("kind", "soak");
    document.put("label", figures.getOrDefault("label", "default"));
    document.put("time", time.toString());
    document.put(
        "machine",
        Map.of(
            "cores", Runtime.getRuntime().availableProcessors(),
            "java", System.getProperty("java.version"),
            "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    document.putAll(figures);
    try {
      Path file = dir.resolve(stem + ".json");
      JSON.writeValue(file.toFile(), document);
      Path summary = dir.resolve("summary.md");
      if (Files.exists(summary)) {
        String row =
            "| "
                + time
                + " | soak | "
                + document.get("label")
                + " | "
                + String.valueOf(figures.get("summary")).replace("|", "\\|")
                + " |\n";
        Files.writeString(summary, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      }
      return file;
    } catch (IOException e) {
      throw new SoakException("cannot write results to " + dir + ": " + e.getMessage());
    }
  }

  /** Fills {@code drift} per pid from {@code base} to {@code end}; the worst growth in percent. */
  private double drift(long[] base, long[] end, Map<String, Object> drift) {
    double worst = 0;
    for (int i = 0; i < pids.size(); i++) {
      if (base[i] > 0 && end[i] > 0) {
        double percent = 100.0 * (end[i] - base[i]) / base[i];
        worst = Math.max(worst, percent);
        drift.put(
            "pid" + pids.get(i),
            Map.of(
                "baselineMb", base[i] / 1024,
                "lastMb", end[i] / 1024,
                "percent", Math.round(percent * 10) / 10.0));
      } else {
        drift.put("pid" + pids.get(i), "gone");
        worst = Double.POSITIVE_INFINITY; // a node that died fails the soak
      }
    }
    return worst;
  }

  private static String text(Map<String, Object> drift) {
    return drift.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " "
                    + (e.getValue() instanceof Map<?, ?> m
                        ? m.get("baselineMb")
                            + "->"
                            + m.get("lastMb")
                            + " MB ("
                            + m.get("percent")
                            + "%)"
                        : "gone"))
        .reduce((a, b) -> a + ", " + b)
        .orElse("");
  }

  /** {@code VmRSS} of the process in kB, or -1 if it is gone. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // falls through
    }
    return -1;
  }

  private void write(String text, boolean append) {
    try {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      if (append) {
        Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } else {
        Files.writeString(csv, text, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new SoakException("cannot write " + csv + ": " + e.getMessage());
    }
  }

  private static String fmt(double rate) {
    return String.format(Locale.ROOT, rate < 10 ? "%.1f" : "%.0f", rate);
  }
}
