package org.consentry.bench.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The soak's counters: requests and latencies per kind (HdrHistogram recorders, read per interval),
 * errors and leaks, each error and leak written with its request to the run's log and the first few
 * to standard error.
 */
final class SoakStats {

  /** The kinds of request, in the order of the report's columns. */
  enum Kind {
    READ_DRX("read-drx"),
    READ_EHR("read-ehr"),
    SEARCH_PATIENT("search-patient"),
    SEARCH_CODE("search-code"),
    PAGE("page"),
    CREATE("create"),
    UPDATE("update"),
    CONSENT("consent");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One interval's figures. */
  record Interval(
      Map<Kind, Long> requests, long total, double p50Ms, double p99Ms, long errors, long leaks) {}

  private static final int SHOWN = 20;
  private static final long MAX_MICROS = 600_000_000L;

  private final Map<Kind, LongAdder> requests = new EnumMap<>(Kind.class);
  private final Map<Kind, Recorder> latency = new EnumMap<>(Kind.class);
  private final Map<Kind, Long> requestsBefore = new EnumMap<>(Kind.class);
  private final Map<Kind, Long> discarded = new EnumMap<>(Kind.class);
  private final Histogram all = new Histogram(MAX_MICROS, 3);
  private final LongAdder errors = new LongAdder();
  private final LongAdder leaks = new LongAdder();
  private final AtomicLong shown = new AtomicLong();
  private final PrintWriter log;
  private long errorsBefore;
  private long leaksBefore;

  SoakStats(Path logFile) {
    for (Kind kind : Kind.values()) {
      requests.put(kind, new LongAdder());
      latency.put(kind, new Recorder(MAX_MICROS, 3));
      requestsBefore.put(kind, 0L);
      discarded.put(kind, 0L);
    }
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new SoakException("cannot write " + logFile + ": " + e.getMessage());
    }
  }

  /** A request that was answered (any status) after {@code micros}. */
  void answered(Kind kind, long micros) {
    requests.get(kind).increment();
    latency.get(kind).recordValue(Math.min(Math.max(micros, 1), MAX_MICROS));
  }

  /** A request that got no answer (timeout, connection refused or reset). */
  void unanswered(Kind kind) {
    requests.get(kind).increment();
  }

  void error(Kind kind, String request, String what) {
    errors.increment();
    record("ERROR", kind, request, what);
  }

  void leak(Kind kind, String request, String what) {
    leaks.increment();
    record("LEAK", kind, request, what);
  }

  /** A line for the log only (setup, token renewals, notes). */
  void note(String line) {
    log.println(Instant.now() + " " + line);
  }

  private void record(String type, Kind kind, String request, String what) {
    String line = type + " " + kind.label + " " + request + ": " + what;
    log.println(Instant.now() + " " + line);
    if (shown.incrementAndGet() <= SHOWN) {
      System.err.println("soak: " + line);
    } else if (shown.get() == SHOWN + 1) {
      System.err.println("soak: further errors and leaks go to the log only");
    }
  }

  long errors() {
    return errors.sum();
  }

  long leaks() {
    return leaks.sum();
  }

  /** Forgets the requests so far (the setup's): they are in no interval and no total. */
  synchronized void discard() {
    for (Kind kind : Kind.values()) {
      long now = requests.get(kind).sum();
      discarded.put(kind, now);
      requestsBefore.put(kind, now);
      latency.get(kind).getIntervalHistogram();
    }
    errorsBefore = errors.sum();
    leaksBefore = leaks.sum();
  }

  /** The figures since the last call (call from one thread only). */
  synchronized Interval interval() {
    Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    long total = 0;
    Histogram merged = new Histogram(MAX_MICROS, 3);
    for (Kind kind : Kind.values()) {
      long now = requests.get(kind).sum();
      counts.put(kind, now - requestsBefore.get(kind));
      total += now - requestsBefore.get(kind);
      requestsBefore.put(kind, now);
      merged.add(latency.get(kind).getIntervalHistogram());
    }
    all.add(merged);
    long errorsNow = errors.sum();
    long leaksNow = leaks.sum();
    Interval interval =
        new Interval(
            counts,
            total,
            merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(50) / 1000.0,
            merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(99) / 1000.0,
            errorsNow - errorsBefore,
            leaksNow - leaksBefore);
    errorsBefore = errorsNow;
    leaksBefore = leaksNow;
    return interval;
  }

  /** Latency over all intervals read so far: p50, p99, max in milliseconds. */
  synchronized double[] overall() {
    return new double[] {
      all.getValueAtPercentile(50) / 1000.0,
      all.getValueAtPercentile(99) / 1000.0,
      all.getMaxValue() / 1000.0
    };
  }

  long requests(Kind kind) {
    return requests.get(kind).sum() - discarded.get(kind);
  }

  void close() {
    log.close();
  }

  static String ms(double value) {
    return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%.0f", value);
  }
}
