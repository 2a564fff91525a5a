package org.consentry.bench.soak;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code SoakBench --nodes "URL URL" [options]}: the soak (issue 15). Loads its data, adds dr X and
 * the watched patients' users, then runs {@code --clients} clients for {@code --seconds} across the
 * nodes (reads, searches with paging across nodes, writes, Consent changes) while checking the
 * consent invariant on every dr X answer; every {@code --interval} prints and records the
 * throughput by kind, latency, errors, leaks and each node's resident memory. Exit code: 0 passed,
 * 1 failed (errors, leaks, or resident memory grown by 10% or more since the baseline), 2 could not
 * run. With {@code --leak-probe} dr X's requests carry the EHR client's token, which the patients'
 * Consents do not cover: the checker must report leaks, and the exit code is 0 only if it did.
 */
public final class SoakBench {

  static final String USAGE =
      """
			usage: SoakBench --nodes "http://127.0.0.1:8080/fhir http://127.0.0.1:8081/fhir"
			                 --keycloak http://127.0.0.1:8180/realms/consentry [--launcher ./consentry]
			                 [--seconds 840] [--clients 32] [--interval 30] [--baseline 240]
			                 [--patients 50] [--watched 8] [--observations 12] [--seed S]
			                 [--pids "PID PID"] [--timeout 30] [--results bench/results] [--label L]
			                 [--leak-probe true]""";

  private static final Set<String> OPTIONS =
      Set.of(
          "nodes",
          "keycloak",
          "launcher",
          "seconds",
          "clients",
          "interval",
          "baseline",
          "patients",
          "watched",
          "observations",
          "seed",
          "pids",
          "timeout",
          "results",
          "label",
          "leak-probe");
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private SoakBench() {}

  public static void main(String[] args) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("soak: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    try {
      System.exit(run(options));
    } catch (IllegalArgumentException e) {
      System.err.println("soak: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (SoakException e) {
      System.err.println("soak: " + e.getMessage());
      System.exit(2);
    }
  }

  private static int run(Map<String, String> o) {
    List<URI> nodes = nodes(required(o, "nodes"));
    URI issuer = URI.create(required(o, "keycloak"));
    String launcher = o.getOrDefault("launcher", "./consentry");
    int seconds = number(o, "seconds", 840, 10, 86_400);
    int clients = number(o, "clients", 32, 1, 256);
    int interval = number(o, "interval", 30, 1, 3_600);
    int baseline = number(o, "baseline", 240, 0, 86_400);
    int patientCount = number(o, "patients", 50, 2, 10_000);
    int watchedCount = number(o, "watched", 8, 1, patientCount);
    int observations = number(o, "observations", 12, 4, 1_000);
    long seed = Long.parseLong(o.getOrDefault("seed", "1"));
    int timeout = number(o, "timeout", 30, 1, 600);
    boolean probe = Boolean.parseBoolean(o.getOrDefault("leak-probe", "false"));
    List<Long> pids = new ArrayList<>();
    for (String pid : o.getOrDefault("pids", "").trim().split("\\s+")) {
      if (!pid.isEmpty()) {
        pids.add(Long.parseLong(pid));
      }
    }
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Path results = Path.of(o.getOrDefault("results", "bench/results"));
    String stem = FILE_TIME.format(started) + "-soak";
    String label = o.getOrDefault("label", probe ? "leak probe" : "default");
    SoakStats stats = new SoakStats(results.resolve(stem + ".log"));
    SoakHttp http = new SoakHttp(nodes, Duration.ofSeconds(timeout), stats);
    String run = "soak" + Long.toString(started.getEpochSecond(), 36);
    SoakWorld world = new SoakWorld(run, patientCount, watchedCount, observations);

    System.out.printf(
        Locale.ROOT,
        "== soak %s: %d patients x %d Observations (%d watched), nodes %s%n",
        run,
        patientCount,
        observations,
        watchedCount,
        nodes);
    // the setup's transaction Bundles may take minutes on a busy machine
    SoakSetup setup =
        new SoakSetup(world, new SoakHttp(nodes, Duration.ofMinutes(10), stats), launcher, issuer);
    Tokens ehr = Tokens.launcher(launcher, "ehr");
    setup.load(ehr, seed);
    System.out.println(
        "== users: dr X ("
            + world.practitioner()
            + ", "
            + world.organization('a')
            + ") and "
            + watchedCount
            + " patients");
    Tokens drx = setup.addPractitioner();
    Map<String, Tokens> patients = setup.addPatients();
    if (probe) {
      System.out.println(
          "== leak probe: dr X's requests carry the EHR client's token (not denied)");
      drx = ehr;
    }
    stats.discard(); // the setup's requests are not the soak's
    stats.note("setup done: run " + run);

    ConsentInvariant invariant = new ConsentInvariant(world.watchedIds());
    long startNanos = System.nanoTime();
    long deadline = startNanos + TimeUnit.SECONDS.toNanos(seconds);
    System.out.printf(
        Locale.ROOT,
        "== run: %d clients for %d s, figures every %d s (RSS baseline at %d s)%n",
        clients,
        seconds,
        interval,
        baseline);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int i = 0; i < clients; i++) {
      pool.submit(
          new SoakClient(
              world, invariant, http, stats, drx, ehr, patients, deadline, seed * 1_000 + i));
    }
    pool.shutdown();
    SoakSeries series = new SoakSeries(results.resolve(stem + ".csv"), pids);
    long next = startNanos;
    long[] settledBase = null;
    while (true) {
      next += TimeUnit.SECONDS.toNanos(interval);
      boolean last = next >= deadline;
      waitUntil(last ? deadline : next, pool);
      if (last) {
        awaitClients(pool, timeout);
      }
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      series.add(elapsed, stats.interval(), elapsed - series.lastElapsed());
      if (last) {
        break;
      }
      if (settledBase == null && elapsed >= baseline - 0.5) {
        settledBase = SettledMemory.sample(pids);
        series.settled(settledBase, elapsed);
      }
    }
    stats.close();
    if (settledBase != null) {
      series.settled(SettledMemory.sample(pids), (System.nanoTime() - startNanos) / 1e9);
    }
    Map<String, Object> figures =
        series.summary(
            stats, baseline, seconds, clients, nodes, invariant.checked(), run, label, probe);
    Path json = series.writeJson(results, stem, started, figures);
    System.out.println("series: " + results.resolve(stem + ".csv"));
    System.out.println("errors and leaks: " + results.resolve(stem + ".log"));
    System.out.println("figures written to " + json);
    boolean passed = (boolean) figures.get("passed");
    if (probe) {
      System.out.println(
          stats.leaks() > 0
              ? "leak probe: the checker caught " + stats.leaks() + " leaks, as it must"
              : "leak probe: FAILED: the checker caught no leak");
      return stats.leaks() > 0 ? 0 : 1;
    }
    return passed ? 0 : 1;
  }

  private static void waitUntil(long nanos, ExecutorService pool) {
    try {
      long left = nanos - System.nanoTime();
      if (left > 0) {
        pool.awaitTermination(left, TimeUnit.NANOSECONDS);
        left = nanos - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left); // the clients ended early: keep the clock
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException("interrupted");
    }
  }

  private static void awaitClients(ExecutorService pool, int timeout) {
    try {
      // a client's last operation may page through a search: several requests of up to timeout
      if (!pool.awaitTermination(timeout * 10L, TimeUnit.SECONDS)) {
        pool.shutdownNow();
        throw new SoakException("clients still busy " + timeout * 10 + " s after the end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException("interrupted");
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      values.put(name, args[++i]);
    }
    return values;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static int number(
      Map<String, String> options, String name, int fallback, int min, int max) {
    String text = options.get(name);
    try {
      int value = text == null ? fallback : Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(
        "--" + name + " wants a number from " + min + " to " + max + ", not " + text);
  }

  /** The nodes' FHIR base URLs, which must be on this machine: a soak is load. */
  static List<URI> nodes(String text) {
    List<URI> out = new ArrayList<>();
    for (String part : text.trim().split("[\\s,]+")) {
      String base = part.replaceAll("/+$", "");
      URI uri = URI.create(base.endsWith("/fhir") ? base : base + "/fhir");
      try {
        if (uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
          throw new IllegalArgumentException("--nodes must be loopback addresses, not " + part);
        }
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("unknown host in --nodes: " + part);
      }
      out.add(uri);
    }
    return out;
  }
}
