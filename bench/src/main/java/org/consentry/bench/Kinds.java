package org.consentry.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the populate, count and research benchmarks from their options. */
final class Kinds {

  /** The count queries run when {@code --queries} is not given. */
  static final String DEFAULT_COUNT_QUERIES =
      "Observation?_summary=count Patient?_summary=count"
          + " Observation?code=http://loinc.org%7C"
          + PopulateBench.HEART_RATE
          + "&_summary=count";

  /** The options of {@code Bench research-setup}. */
  static final Set<String> RESEARCH_SETUP_OPTIONS =
      Set.of(
          "server",
          "token",
          "researcher",
          "patients",
          "seed",
          "study",
          "profile",
          "k",
          "opt-in-percent",
          "bundle-size",
          "label",
          "results");

  /** The options of {@code Bench research}. */
  static final Set<String> RESEARCH_OPTIONS =
      Set.of(
          "server",
          "user",
          "launcher",
          "token",
          "study",
          "rounds",
          "warmup-rounds",
          "poll-ms",
          "timeout",
          "label",
          "results");

  private Kinds() {}

  static Map<String, Object> populate(BenchArgs options) {
    int patients = options.integer("patients", 10, 1, 1_000_000);
    int perPatient = options.integer("observations-per-patient", 100, 0, 10_000);
    long seed = seed(options);
    double share = options.integer("sensitive-percent", 10, 0, 100) / 100.0;
    Population population = new Population(patients, perPatient, seed, share);
    FhirClient fhir =
        new FhirClient(options.loopbackServer(), TokenSource.fixed(options.get("token", null)));
    return new PopulateBench(fhir, population, options.integer("bundle-size", 500, 1, 5_000)).run();
  }

  /** The research study over a population {@code populate} loaded: Group, study, opt-ins. */
  static Map<String, Object> researchSetup(BenchArgs options) {
    Population population =
        new Population(options.integer("patients", 10, 1, 1_000_000), 0, seed(options), 0);
    FhirClient fhir =
        new FhirClient(options.loopbackServer(), TokenSource.fixed(options.get("token", null)));
    return new ResearchSetup(fhir, population, researchSettings(options)).run();
  }

  static ResearchSetup.Settings researchSettings(BenchArgs options) {
    return new ResearchSetup.Settings(
        options.get("study", "bench-study"),
        options.get("profile", "safe-harbor"),
        options.integer("k", 5, 1, 1_000),
        options.required("researcher"),
        options.integer("opt-in-percent", 100, 0, 100),
        options.integer("bundle-size", 500, 1, 5_000));
  }

  /** The study's research export, timed end to end as its researcher. */
  static Map<String, Object> research(BenchArgs options) {
    return new ResearchBench(
            options.loopbackServer(), researcherToken(options), researchPlan(options))
        .run();
  }

  static ResearchBench.Plan researchPlan(BenchArgs options) {
    return new ResearchBench.Plan(
        options.get("study", "bench-study"),
        options.integer("rounds", 3, 1, 50),
        options.integer("warmup-rounds", 1, 0, 10),
        Duration.ofMillis(options.integer("poll-ms", 200, 20, 10_000)),
        Duration.ofSeconds(options.integer("timeout", 1_800, 10, 86_400)));
  }

  /** {@code --token T} as given, or {@code --user NAME}'s fetched with {@code --launcher}. */
  static TokenSource researcherToken(BenchArgs options) {
    String token = options.get("token", null);
    String user = options.get("user", null);
    if ((token == null) == (user == null)) {
      throw new IllegalArgumentException("give exactly one of --token and --user");
    }
    return token != null
        ? TokenSource.fixed(token)
        : TokenSource.launcher(options.get("launcher", "./consentry"), user);
  }

  private static long seed(BenchArgs options) {
    long seed = Long.parseLong(options.get("seed", "1"));
    if (seed < 0) {
      throw new IllegalArgumentException(
          "--seed must not be negative (it is part of resource ids)");
    }
    return seed;
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
