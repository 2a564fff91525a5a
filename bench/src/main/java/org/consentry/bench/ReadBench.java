package org.consentry.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Read latency and throughput: {@code clients} threads, each sending one request at a time in a
 * closed loop, cycling through the query kinds with ids and codes picked at random (seeded, so runs
 * are repeatable). A warm-up phase runs first and is not counted. The measured phase ends after
 * {@code seconds} or {@code maxRequests}, whichever comes first. Searches send {@code
 * Cache-Control: no-cache} so that the server runs each one instead of replaying a cached result.
 */
final class ReadBench {

  /** The query kinds, in the order each client cycles through them. */
  enum Query {
    PATIENT_READ,
    OBSERVATIONS_BY_PATIENT,
    OBSERVATIONS_BY_CODE;

    /** The name used in options and results: {@code patient-read}. */
    String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The kinds named in {@code --queries}, comma-separated ({@code
     * patient-read,observations-by-patient}).
     */
    static List<Query> parse(String names) {
      List<Query> kinds = new ArrayList<>();
      for (String name : names.split(",")) {
        kinds.add(
            Arrays.stream(values())
                .filter(q -> q.label().equals(name.trim()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--queries: unknown kind '"
                                + name.trim()
                                + "' (patient-read, observations-by-patient, observations-by-code)")));
      }
      return List.copyOf(kinds);
    }
  }

  private final URI base;
  private final String token;
  private final int clients;
  private final int seconds;
  private final int warmup;
  private final int maxRequests;
  private final List<Query> only;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * {@code only}: the query kinds to run, or null for all (observations-by-code if the data has
   * codes).
   */
  ReadBench(
      URI base,
      String token,
      int clients,
      int seconds,
      int warmup,
      int maxRequests,
      List<Query> only) {
    this.base = base;
    this.token = token;
    this.clients = clients;
    this.seconds = seconds;
    this.warmup = warmup;
    this.maxRequests = maxRequests;
    this.only = only;
  }

  Map<String, Object> run() {
    ReadTargets targets = ReadTargets.discover(http, base, token);
    List<Query> queries =
        new ArrayList<>(List.of(Query.PATIENT_READ, Query.OBSERVATIONS_BY_PATIENT));
    if (!targets.observationCodes().isEmpty()) {
      queries.add(Query.OBSERVATIONS_BY_CODE);
    }
    if (only != null) {
      if (only.contains(Query.OBSERVATIONS_BY_CODE) && targets.observationCodes().isEmpty()) {
        throw new IllegalArgumentException(
            "--queries observations-by-code: the server has no Observation codes");
      }
      queries = new ArrayList<>(only);
    }
    if (warmup > 0) {
      phase(targets, queries, warmup, maxRequests, 1);
    }
    long start = System.nanoTime();
    List<Worker> workers = phase(targets, queries, seconds, maxRequests, 2);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return ReadFigures.of(workers, queries, clients, elapsed, targets);
  }

  private List<Worker> phase(
      ReadTargets targets, List<Query> queries, int phaseSeconds, int budget, long seed) {
    long deadline = System.nanoTime() + phaseSeconds * 1_000_000_000L;
    AtomicLong remaining = new AtomicLong(budget);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      workers.add(
          new Worker(targets, queries, new SplittableRandom(seed * 1000 + i), deadline, remaining));
    }
    return Clients.runAll(workers);
  }

  /** One client: its own histograms, merged at the end, so recording costs no locking. */
  final class Worker implements Runnable {
    final Map<Query, Histogram> micros = new LinkedHashMap<>();
    final Map<Query, Long> errors = new LinkedHashMap<>();
    String lastError;
    private final ReadTargets targets;
    private final List<Query> queries;
    private final SplittableRandom random;
    private final long deadline;
    private final AtomicLong remaining;

    Worker(
        ReadTargets targets,
        List<Query> queries,
        SplittableRandom random,
        long deadline,
        AtomicLong remaining) {
      this.targets = targets;
      this.queries = queries;
      this.random = random;
      this.deadline = deadline;
      this.remaining = remaining;
      queries.forEach(q -> micros.put(q, new Histogram(60_000_000L, 3)));
    }

    @Override
    public void run() {
      for (int i = 0; System.nanoTime() < deadline && remaining.getAndDecrement() > 0; i++) {
        Query query = queries.get(i % queries.size());
        HttpRequest.Builder request =
            HttpRequest.newBuilder(uri(query)).header("Accept", "application/fhir+json");
        if (query != Query.PATIENT_READ) {
          request.header("Cache-Control", "no-cache");
        }
        if (token != null) {
          request.header("Authorization", "Bearer " + token);
        }
        long t0 = System.nanoTime();
        try {
          HttpResponse<Void> response =
              http.send(request.build(), HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            micros.get(query).recordValue(Math.min(60_000_000L, (System.nanoTime() - t0) / 1000));
            continue;
          }
          lastError = "HTTP " + response.statusCode() + " for " + query;
        } catch (Exception e) {
          lastError = e + " for " + query;
        }
        errors.merge(query, 1L, Long::sum);
      }
    }

    private URI uri(Query query) {
      String patient = targets.patientIds().get(random.nextInt(targets.patientIds().size()));
      return URI.create(
          base
              + switch (query) {
                case PATIENT_READ -> "/Patient/" + patient;
                case OBSERVATIONS_BY_PATIENT -> "/Observation?patient=" + patient + "&_count=100";
                case OBSERVATIONS_BY_CODE ->
                    "/Observation?code="
                        + URLEncoder.encode(
                            targets
                                .observationCodes()
                                .get(random.nextInt(targets.observationCodes().size())),
                            StandardCharsets.UTF_8)
                        + "&_count=100";
              });
    }
  }
}
