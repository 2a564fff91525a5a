package org.consentry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResearchBenchTest {

  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static BenchArgs args(String... values) {
    return new BenchArgs(List.of(values), Kinds.RESEARCH_OPTIONS);
  }

  @Test
  void plan_defaults_andOptions() {
    assertThat(Kinds.researchPlan(args("--user", "rita")))
        .isEqualTo(
            new ResearchBench.Plan(
                "bench-study", 3, 1, Duration.ofMillis(200), Duration.ofSeconds(1_800)));
    assertThat(
            Kinds.researchPlan(
                args(
                    "--study",
                    "s",
                    "--rounds",
                    "5",
                    "--warmup-rounds=0",
                    "--poll-ms",
                    "50",
                    "--timeout",
                    "60")))
        .isEqualTo(
            new ResearchBench.Plan("s", 5, 0, Duration.ofMillis(50), Duration.ofSeconds(60)));
    assertThatThrownBy(() -> Kinds.researchPlan(args("--rounds", "0")))
        .hasMessageContaining("--rounds wants a number from 1 to 50");
    assertThatThrownBy(() -> args("--patients", "10"))
        .hasMessageContaining("unknown option --patients");
  }

  @Test
  void theToken_isAUsersOrAGivenOne_neverBothOrNeither() {
    assertThat(Kinds.researcherToken(args("--user", "rita")).describe())
        .isEqualTo("`./consentry token rita`");
    assertThat(
            Kinds.researcherToken(args("--user", "rita", "--launcher", "/x/consentry")).describe())
        .isEqualTo("`/x/consentry token rita`");
    assertThat(Kinds.researcherToken(args("--token", "abc")).get()).isEqualTo("abc");
    assertThatThrownBy(() -> Kinds.researcherToken(args("--token", "abc", "--user", "rita")))
        .hasMessageContaining("exactly one of --token and --user");
    assertThatThrownBy(() -> Kinds.researcherToken(args()))
        .hasMessageContaining("exactly one of --token and --user");
  }

  @Test
  void count_linesAndBytes_withoutAFinalNewline_blankLinesLeftOut() throws IOException {
    assertThat(count("{\"a\":1}\n{\"b\":2}\n")).isEqualTo(new ResearchBench.Count(2, 16));
    assertThat(count("{\"a\":1}\r\n\n  \n{\"b\":2}")).isEqualTo(new ResearchBench.Count(2, 20));
    assertThat(count("")).isEqualTo(new ResearchBench.Count(0, 0));
    String big = "{\"resourceType\":\"Observation\"}\n".repeat(10_000);
    assertThat(count(big).lines()).isEqualTo(10_000);
  }

  private static ResearchBench.Count count(String text) throws IOException {
    return ResearchBench.count(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRound_kicksOff_polls_downloadsEveryFile_andCounts() throws IOException {
    URI base = serve(2);
    ResearchBench bench =
        new ResearchBench(
            base,
            TokenSource.fixed("tok"),
            new ResearchBench.Plan("s1", 1, 0, Duration.ofMillis(20), Duration.ofSeconds(30)));
    ResearchFigures.Round round = bench.round(1, false);
    assertThat(round.byType())
        .containsExactly(Map.entry("Patient", 2L), Map.entry("Observation", 5L));
    assertThat(round.resources()).isEqualTo(7);
    assertThat(round.files()).isEqualTo(3);
    assertThat(round.polls()).isEqualTo(3);
    assertThat(round.cohort().path("released").asInt()).isEqualTo(2);
    assertThat(round.errors()).isZero();
    assertThat(round.jobSeconds()).isGreaterThan(0).isLessThanOrEqualTo(round.totalSeconds());
    assertThat(seen.get(0))
        .isEqualTo(
            "GET /fhir/ResearchStudy/s1/$export Bearer tok respond-async application/fhir+json");
    assertThat(seen)
        .contains(
            "GET /fhir/$export-poll-status?_jobId=j1 Bearer tok - application/fhir+json",
            "GET /fhir/Binary/o1 Bearer tok - application/fhir+ndjson");
  }

  @Test
  void aRefusedKickOff_saysWhy() throws IOException {
    URI base = serve(0);
    ResearchBench bench =
        new ResearchBench(
            base,
            TokenSource.fixed("tok"),
            new ResearchBench.Plan("nope", 1, 0, Duration.ofMillis(20), Duration.ofSeconds(30)));
    assertThatThrownBy(() -> bench.round(1, false))
        .isInstanceOf(BenchException.class)
        .hasMessageContaining("answered 403: not a researcher of this study");
  }

  /** A fake export: study s1 answers 202, then {@code pending} polls 202, then the manifest. */
  private URI serve(int pending) throws IOException {
    AtomicInteger polls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String root = "http://127.0.0.1:PORT/fhir";
    server.createContext(
        "/fhir",
        exchange -> {
          String path = exchange.getRequestURI().toString();
          seen.add(
              exchange.getRequestMethod()
                  + " "
                  + path
                  + " "
                  + header(exchange, "Authorization")
                  + " "
                  + header(exchange, "Prefer")
                  + " "
                  + header(exchange, "Accept"));
          String base = root.replace("PORT", "" + server.getAddress().getPort());
          if (path.equals("/fhir/ResearchStudy/s1/$export")) {
            exchange
                .getResponseHeaders()
                .add("Content-Location", base + "/$export-poll-status?_jobId=j1");
            answer(exchange, 202, "");
          } else if (path.startsWith("/fhir/ResearchStudy/")) {
            answer(
                exchange,
                403,
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":\"not a researcher of this study\"}]}");
          } else if (path.startsWith("/fhir/$export-poll-status")) {
            if (polls.incrementAndGet() <= pending) {
              exchange.getResponseHeaders().add("X-Progress", "in progress");
              answer(exchange, 202, "");
            } else {
              answer(
                  exchange,
                  200,
                  """
                  {"transactionTime":"2026-01-01T00:00:00Z","request":"x","requiresAccessToken":true,
                   "output":[{"type":"Patient","url":"BASE/Binary/o1"},{"type":"Observation","url":"BASE/Binary/o2"},
                             {"type":"Observation","url":"BASE/Binary/o3"}],
                   "error":[],
                   "extension":{"http://consentry.org/fhir/research-export":{"cohort":{"eligible":3,"released":2}}}}"""
                      .replace("BASE", base));
            }
          } else if (path.equals("/fhir/Binary/o1")) {
            answer(
                exchange, 200, "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"Patient\"}\n");
          } else if (path.equals("/fhir/Binary/o2")) {
            answer(exchange, 200, "{\"resourceType\":\"Observation\"}\n".repeat(3));
          } else if (path.equals("/fhir/Binary/o3")) {
            answer(exchange, 200, "{\"resourceType\":\"Observation\"}\n".repeat(2));
          } else {
            answer(exchange, 404, "{}");
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
  }

  private static String header(HttpExchange exchange, String name) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null ? "-" : value;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
