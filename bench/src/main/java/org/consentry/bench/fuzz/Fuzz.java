package org.consentry.bench.fuzz;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code Fuzz --server URL --seconds N [--seed S] ...}: sends seeded, reproducible hostile requests
 * to a running server on this machine as several requesters, and writes what it found to {@code
 * bench/results/fuzz-<time>.md} and {@code .json}. Exit code: 0 no findings, 3 findings, 1 the run
 * failed, 2 bad options. {@code bench/fuzz.sh} starts a server and runs this.
 */
public final class Fuzz {

  private static final String USAGE =
      """
			usage: Fuzz --server URL (--seconds N | --minutes N) [--seed S] [--clients N] [--max-requests N]
			            [--data DIR]... [--requester NAME[@PATIENT_ID]=TOKEN_ARGS]... [--launcher ./consentry]
			            [--results DIR] [--read-timeout SECONDS] [--shrink-budget N] [--label TEXT]
			  --requester  who sends: TOKEN_ARGS follow `consentry token`, e.g. 'patient@ID=fuzz-patient --scope patient/*.cruds';
			               empty for no token. Default: one anonymous requester.
			  --label      what was fuzzed, e.g. the commit; shown in the report
			  --data       sample data the requests start from (default: data/synthea-10 and data/sample-bundles)""";

  private Fuzz() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("fuzz: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (FuzzException e) {
      System.err.println("fuzz: " + e.getMessage());
      System.exit(1);
    }
  }

  static int run(String[] args) {
    URI server = null;
    long seconds = -1;
    long seed = System.currentTimeMillis();
    int clients = 2;
    long maxRequests = 10_000_000;
    int readTimeout = 60;
    int shrinkBudget = 150;
    String launcher = "./consentry";
    String label = "";
    Path results = Path.of("bench/results");
    List<Path> data = new ArrayList<>();
    List<String> requesterSpecs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--server" -> server = loopback(value);
        case "--seconds" -> seconds = number(name, value, 1, 36_000);
        case "--minutes" -> seconds = 60 * number(name, value, 1, 600);
        case "--seed" -> seed = number(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
        case "--clients" -> clients = (int) number(name, value, 1, 16);
        case "--max-requests" -> maxRequests = number(name, value, 1, 1_000_000_000);
        case "--read-timeout" -> readTimeout = (int) number(name, value, 1, 600);
        case "--shrink-budget" -> shrinkBudget = (int) number(name, value, 0, 1000);
        case "--launcher" -> launcher = value;
        case "--label" -> label = value;
        case "--results" -> results = Path.of(value);
        case "--data" -> data.add(Path.of(value));
        case "--requester" -> requesterSpecs.add(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (server == null || seconds < 0) {
      throw new IllegalArgumentException("--server and --seconds (or --minutes) are required");
    }
    if (data.isEmpty()) {
      data = List.of(Path.of("data/synthea-10"), Path.of("data/sample-bundles"));
    }
    List<Requester> requesters = new ArrayList<>();
    for (String spec : requesterSpecs.isEmpty() ? List.of("anonymous=") : requesterSpecs) {
      requesters.add(Requester.parse(spec, launcher));
    }
    System.out.printf(
        Locale.ROOT,
        "fuzz: seed %d, %d s, %d clients, requesters %s, server %s%n",
        seed,
        seconds,
        clients,
        requesters.stream().map(Requester::name).toList(),
        server);
    RawHttp http = new RawHttp(server, readTimeout * 1000);
    Surface surface = Surface.fetch(http);
    Corpus corpus = Corpus.load(data);
    requesters.forEach(Requester::token); // fail now, not in a worker, if a token cannot be had
    FuzzRun run =
        new FuzzRun(
            new FuzzRun.Settings(seed, clients, seconds, maxRequests),
            http,
            requesters,
            surface,
            corpus,
            server,
            shrinkBudget);
    double elapsed = run.run();
    FuzzReport report = new FuzzReport(results);
    Path file =
        report.write(
            new FuzzReport.Run(
                label,
                seed,
                seconds,
                elapsed,
                run.shrinkSecondsSpent(),
                clients,
                server,
                requesters),
            run.tally(),
            run.findings());
    System.out.println(summary(run, elapsed));
    System.out.println("fuzz: report written to " + file);
    return run.findings().size() > 0 ? 3 : 0;
  }

  private static String summary(FuzzRun run, double elapsed) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "fuzz: %,d requests in %.0f s, by status:",
                run.tally().total(),
                elapsed));
    run.tally()
        .table("status")
        .getOrDefault("all", java.util.Map.of())
        .forEach(
            (status, count) ->
                out.append(String.format(Locale.ROOT, "%n  %-5s %,d", status, count)));
    out.append(String.format(Locale.ROOT, "%nfuzz: %d findings", run.findings().size()));
    for (Findings.Finding f : run.findings().all()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n  [%dx] %s  (%s)",
              f.count,
              Oracle.abbreviate(f.status + " " + f.message, 150),
              f.minimal.shape()));
    }
    return out.toString();
  }

  private static long number(String name, String value, long min, long max) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(
        name + " wants a number from " + min + " to " + max + ", not " + value);
  }

  /**
   * The server must be on this machine: the fuzzer sends hostile load, and only to a server of
   * ours.
   */
  static URI loopback(String url) {
    URI uri = URI.create(url);
    try {
      if (!"http".equals(uri.getScheme())
          || uri.getHost() == null
          || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "--server must be http:// on a loopback address (127.0.0.1, localhost), not " + url);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host in --server " + url);
    }
    return uri;
  }
}
