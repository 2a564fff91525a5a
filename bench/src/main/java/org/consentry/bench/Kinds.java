package org.consentry.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds the populate and count benchmarks from their options. */
final class Kinds {

  /** The count queries run when {@code --queries} is not given. */
  static final String DEFAULT_COUNT_QUERIES =
      "Observation?_summary=count Patient?_summary=count"
          + " Observation?code=http://loinc.org%7C"
          + PopulateBench.HEART_RATE
          + "&_summary=count";

  private Kinds() {}

  static Map<String, Object> populate(BenchArgs options) {
    int patients = options.integer("patients", 10, 1, 1_000_000);
    int perPatient = options.integer("observations-per-patient", 100, 0, 10_000);
    long seed = Long.parseLong(options.get("seed", "1"));
    if (seed < 0) {
      throw new IllegalArgumentException(
          "--seed must not be negative (it is part of resource ids)");
    }
    double share = options.integer("sensitive-percent", 10, 0, 100) / 100.0;
    Population population = new Population(patients, perPatient, seed, share);
    FhirClient fhir =
        new FhirClient(options.loopbackServer(), TokenSource.fixed(options.get("token", null)));
    return new PopulateBench(fhir, population, options.integer("bundle-size", 500, 1, 5_000)).run();
  }

  static Map<String, Object> count(BenchArgs options) {
    String launcher = options.get("launcher", "./consentry");
    CountBench.Side a = side("A", "a", options, launcher);
    CountBench.Side b = side("B", "b", options, launcher);
    List<String> queries =
        Arrays.stream(options.get("queries", DEFAULT_COUNT_QUERIES).trim().split("\\s+"))
            .map(q -> (q.startsWith("/") ? q.substring(1) : q).replace("|", "%7C"))
            .toList();
    return new CountBench(
            options.loopbackServer(),
            a,
            b,
            queries,
            options.integer("rounds", 2, 1, 50),
            options.integer("seconds", 30, 1, 600),
            options.integer("warmup", 5, 0, 120),
            options.integer("clients", 1, 1, 64))
        .run();
  }

  private static CountBench.Side side(
      String name, String suffix, BenchArgs options, String launcher) {
    String token = options.get("token-" + suffix, null);
    String user = options.get("user-" + suffix, null);
    if ((token == null) == (user == null)) {
      throw new IllegalArgumentException(
          "give exactly one of --token-" + suffix + " and --user-" + suffix);
    }
    TokenSource source =
        token != null ? TokenSource.fixed(token) : TokenSource.launcher(launcher, user);
    String label = options.get("label-" + suffix, user != null ? user : name);
    return new CountBench.Side(name, label, source);
  }
}
