package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency and throughput of count queries ({@code _summary=count}, {@code _total=accurate}) as two
 * requesters, A and B, on the same server and data: first each query once per side (the counts each
 * sees; a query either side gets 400 for is left out, with one line: the server does not serve it;
 * if it serves none, {@link CountsRefusedException}), a warm-up per side, then {@code rounds}
 * measured phases per side, alternated ABBA (A B, B A, A B ...) so that drift falls on both. In
 * each phase {@code clients} threads send one request at a time, cycling through the queries, with
 * {@code Cache-Control: no-cache}.
 */
final class CountBench {

  /** One requester: its label and where its token comes from. */
  record Side(String name, String label, TokenSource token) {}

  /** The server answered a count query with 400: it does not serve counts (yet). */
  static final class CountsRefusedException extends BenchException {
    CountsRefusedException(String message) {
      super(message);
    }
  }

  private final URI base;
  private final Side a;
  private final Side b;
  private final List<String> requested;

  /** The requested queries the server serves to both sides. */
  private List<String> queries;

  private final Map<String, String> refused = new LinkedHashMap<>();
  private final int rounds;
  private final int seconds;
  private final int warmup;
  private final int clients;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  CountBench(
      URI base,
      Side a,
      Side b,
      List<String> queries,
      int rounds,
      int seconds,
      int warmup,
      int clients) {
    this.base = base;
    this.a = a;
    this.b = b;
    this.requested = List.copyOf(queries);
    this.rounds = rounds;
    this.seconds = seconds;
    this.warmup = warmup;
    this.clients = clients;
  }

  Map<String, Object> run() {
    Map<Side, Map<String, Long>> totals = new LinkedHashMap<>();
    for (Side side : List.of(a, b)) {
      totals.put(side, probe(side));
    }
    queries = requested.stream().filter(q -> !refused.containsKey(q)).toList();
    if (queries.isEmpty()) {
      Map.Entry<String, String> first = refused.entrySet().iterator().next();
      throw new CountsRefusedException(
          "the server refuses GET "
              + first.getKey()
              + " (HTTP 400: "
              + first.getValue()
              + ")"
              + (refused.size() > 1 ? " and " + (refused.size() - 1) + " more" : "")
              + ": it does not serve counts; run the count benchmark against a server that does");
    }
    refused.forEach(
        (query, why) ->
            System.out.println(
                "count: left out GET "
                    + query
                    + ": the server refuses it (HTTP 400: "
                    + why
                    + ")"));
    if (warmup > 0) {
      phase(a, warmup);
      phase(b, warmup);
    }
    Map<Side, List<Worker>> measured = new LinkedHashMap<>();
    Map<Side, Double> elapsed = new LinkedHashMap<>();
    List<Map<String, Object>> perRound = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (Side side : round % 2 == 1 ? List.of(a, b) : List.of(b, a)) {
        long start = System.nanoTime();
        List<Worker> workers = phase(side, seconds);
        double took = (System.nanoTime() - start) / 1e9;
        measured.computeIfAbsent(side, s -> new ArrayList<>()).addAll(workers);
        elapsed.merge(side, took, Double::sum);
        perRound.add(CountFigures.round(round, side, workers, took));
      }
    }
    Map<String, Object> figures =
        CountFigures.of(
            a, b, queries, measured, elapsed, totals, perRound, clients, rounds, seconds);
    figures.put("refused", refused);
    return figures;
  }

  /**
   * Each query once as this side: the count it sees (Bundle.total); a 400 goes to {@link #refused}.
   */
  private Map<String, Long> probe(Side side) {
    FhirClient fhir = new FhirClient(base, side.token());
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String query : requested) {
      FhirClient.Answer answer = fhir.get(query);
      if (answer.status() == 400) {
        refused.putIfAbsent(query, answer.diagnostics());
        continue;
      }
      if (answer.status() != 200) {
        throw new BenchException(
            "GET "
                + query
                + " as "
                + side.label()
                + " ("
                + side.token().describe()
                + ") answered HTTP "
                + answer.status()
                + ": "
                + answer.diagnostics());
      }
      JsonNode total = answer.json().path("total");
      totals.put(
          query, total.canConvertToLong() ? total.asLong() : null); // null: the answer has no total
    }
    return totals;
  }

  private List<Worker> phase(Side side, int phaseSeconds) {
    long deadline = System.nanoTime() + phaseSeconds * 1_000_000_000L;
    String token = side.token().get(); // fetched (or refreshed) before the clock matters
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      workers.add(new Worker(token, i, deadline));
    }
    return Clients.runAll(workers);
  }

  /** One client of one phase: its own histograms (microseconds) per query, merged afterwards. */
  final class Worker implements Runnable {
    final Map<String, Histogram> micros = new LinkedHashMap<>();
    final Map<String, Long> errors = new LinkedHashMap<>();
    String lastError;
    private final String token;
    private final int first;
    private final long deadline;

    Worker(String token, int first, long deadline) {
      this.token = token;
      this.first = first;
      this.deadline = deadline;
      queries.forEach(q -> micros.put(q, new Histogram(120_000_000L, 3)));
    }

    @Override
    public void run() {
      for (int i = first; System.nanoTime() < deadline; i++) {
        String query = queries.get(i % queries.size());
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(base + "/" + query))
                .timeout(Duration.ofSeconds(120))
                .header("Accept", "application/fhir+json")
                .header("Cache-Control", "no-cache");
        if (token != null) {
          request.header("Authorization", "Bearer " + token);
        }
        long t0 = System.nanoTime();
        try {
          HttpResponse<Void> response =
              http.send(request.build(), HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            micros.get(query).recordValue(Math.min(120_000_000L, (System.nanoTime() - t0) / 1000));
            continue;
          }
          lastError = "HTTP " + response.statusCode() + " for " + query;
        } catch (Exception e) {
          lastError = e + " for " + query;
        }
        errors.merge(query, 1L, Long::sum);
      }
    }
  }
}
