package org.consentry.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code Bench ingest|read|startup|populate|count|research-setup|research|series [options]}: one
 * benchmark against a running server on this machine; figures go to {@code
 * <results>/<timestamp>-<kind>.json} and one line to {@code summary.md}.
 */
public final class Bench {

  private static final String USAGE =
      """
			usage: Bench ingest --server URL --data DIR [--rounds N] [--warmup-rounds W]
			                    [--label L] [--token T] [--results DIR]
			       Bench read   --server URL [--clients N] [--seconds S] [--warmup S] [--max-requests N]
			                    [--queries patient-read,observations-by-patient,observations-by-code] [--label L] [--token T] [--results DIR]
			       Bench startup --ready-seconds S --server-rss-kb N [--postgres-rss-kb N] [--server-args=ARGS]
			                    [--label L] [--results DIR]
			         (records figures measured by run.sh)
			       Bench populate --server URL --token EHR-TOKEN [--patients N] [--observations-per-patient K]
			                    [--seed S] [--sensitive-percent P] [--bundle-size B] [--label L] [--results DIR]
			       Bench count  --server URL (--token-a T | --user-a NAME) [--label-a L] (--token-b T | --user-b NAME)
			                    [--label-b L] [--launcher ./consentry] [--queries "Q1 Q2 ..."] [--rounds R]
			                    [--seconds S] [--warmup S] [--clients N] [--label L] [--results DIR]
			         (exit code 3: the server refuses count queries with 400)
			       Bench research-setup --server URL --token EHR-TOKEN --researcher NAME [--patients N] [--seed S]
			                    [--study ID] [--profile safe-harbor|limited-data-set] [--k K] [--opt-in-percent P]
			                    [--bundle-size B] [--label L] [--results DIR]
			         (over the population populate loaded with the same --patients and --seed)
			       Bench research --server URL (--user NAME [--launcher ./consentry] | --token T) [--study ID]
			                    [--rounds R] [--warmup-rounds W] [--poll-ms MS] [--timeout S] [--label L] [--results DIR]
			       Bench series --server URL --token EHR-TOKEN [--reader-token T] [--jdbc URL] [--devices N]
			                    [--devices-per-request D] [--minutes M] [--batches B] [--clients C] [--queries Q]
			                    [--label L] [--results DIR]""";

  private Bench() {}

  private static Map<String, Object> startup(BenchArgs options) {
    double ready = Double.parseDouble(options.required("ready-seconds"));
    long serverKb = Long.parseLong(options.required("server-rss-kb"));
    long postgresKb = Long.parseLong(options.get("postgres-rss-kb", "0"));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("readySeconds", ready);
    figures.put("serverRssMb", serverKb / 1024);
    figures.put("postgresRssMb", postgresKb / 1024);
    String serverArgs = options.get("server-args", "");
    figures.put("serverArgs", serverArgs);
    figures.put(
        "summary",
        String.format(
                Locale.ROOT,
                "ready after %.1f s; idle RSS: server %d MB, embedded PostgreSQL %d MB",
                ready,
                serverKb / 1024,
                postgresKb / 1024)
            + (serverArgs.isEmpty() ? "" : "; server args: " + serverArgs));
    System.out.println("startup: " + figures.get("summary"));
    return figures;
  }

  public static void main(String[] args) {
    if (args.length == 0
        || !Set.of(
                "ingest",
                "read",
                "startup",
                "populate",
                "count",
                "research-setup",
                "research",
                "series")
            .contains(args[0])) {
      System.err.println(USAGE);
      System.exit(2);
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      Map<String, Object> figures;
      BenchArgs options;
      if (args[0].equals("ingest")) {
        options =
            new BenchArgs(
                rest,
                Set.of("server", "data", "rounds", "warmup-rounds", "label", "token", "results"));
        figures =
            IngestBench.run(
                options.loopbackServer(),
                Path.of(options.required("data")),
                options.get("token", null),
                options.integer("rounds", 3, 1, 50),
                options.integer("warmup-rounds", 1, 0, 20));
      } else if (args[0].equals("populate")) {
        options =
            new BenchArgs(
                rest,
                Set.of(
                    "server",
                    "token",
                    "patients",
                    "observations-per-patient",
                    "seed",
                    "sensitive-percent",
                    "bundle-size",
                    "label",
                    "results"));
        figures = Kinds.populate(options);
      } else if (args[0].equals("count")) {
        options =
            new BenchArgs(
                rest,
                Set.of(
                    "server",
                    "token-a",
                    "user-a",
                    "label-a",
                    "token-b",
                    "user-b",
                    "label-b",
                    "launcher",
                    "queries",
                    "rounds",
                    "seconds",
                    "warmup",
                    "clients",
                    "label",
                    "results"));
        figures = Kinds.count(options);
      } else if (args[0].equals("research-setup")) {
        options = new BenchArgs(rest, Kinds.RESEARCH_SETUP_OPTIONS);
        figures = Kinds.researchSetup(options);
      } else if (args[0].equals("series")) {
        options = new BenchArgs(rest, Set.copyOf(SeriesBench.options()));
        String token = options.required("token");
        figures =
            new SeriesBench(
                    new FhirClient(options.loopbackServer(), TokenSource.fixed(token)),
                    new FhirClient(
                        options.loopbackServer(),
                        TokenSource.fixed(options.get("reader-token", token))),
                    options.get("jdbc", null),
                    options.integer("devices", 100, 1, 10_000),
                    options.integer("devices-per-request", 10, 1, 1_000),
                    options.integer("minutes", 5, 1, 60),
                    options.integer("batches", 4, 2, 100),
                    options.integer("warmup-batches", 1, 1, 99),
                    options.integer("clients", 2, 1, 32),
                    options.integer("queries", 50, 1, 10_000))
                .run();
      } else if (args[0].equals("research")) {
        options = new BenchArgs(rest, Kinds.RESEARCH_OPTIONS);
        figures = Kinds.research(options);
      } else if (args[0].equals("startup")) {
        options =
            new BenchArgs(
                rest,
                Set.of(
                    "server",
                    "ready-seconds",
                    "server-rss-kb",
                    "postgres-rss-kb",
                    "server-args",
                    "label",
                    "results"));
        figures = startup(options);
      } else {
        options =
            new BenchArgs(
                rest,
                Set.of(
                    "server",
                    "clients",
                    "seconds",
                    "warmup",
                    "max-requests",
                    "queries",
                    "label",
                    "token",
                    "results"));
        figures =
            new ReadBench(
                    options.loopbackServer(),
                    options.get("token", null),
                    options.integer("clients", 4, 1, 64),
                    options.integer("seconds", 30, 1, 600),
                    options.integer("warmup", 5, 0, 120),
                    options.integer("max-requests", 1_000_000, 1, 10_000_000),
                    options.get("queries", null) == null
                        ? null
                        : ReadBench.Query.parse(options.get("queries", null)))
                .run();
      }
      Path file =
          new Results(Path.of(options.get("results", "bench/results")))
              .write(args[0], options.get("label", "default"), options.loopbackServer(), figures);
      System.out.println("figures written to " + file);
    } catch (IllegalArgumentException e) { // NumberFormatException too
      System.err.println("bench: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (CountBench.CountsRefusedException e) {
      System.err.println("bench count: " + e.getMessage());
      System.exit(3);
    } catch (BenchException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}
