package org.consentry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CountBenchTest {

  private HttpServer server;

  private static final String REFUSED =
      """
			{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing",
			 "diagnostics":"_summary=count is refused:\\n counts are not offered yet"}]}""";

  /** Answers every GET with the status and body; with a total that depends on the bearer token. */
  private URI serve(int status, String body) throws IOException {
    return serve(status, body, "no query refused");
  }

  /** The same, but answers 400 to requests whose path and query contain {@code refusedWhere}. */
  private URI serve(int status, String body, String refusedWhere) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fhir",
        exchange -> {
          String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
          boolean refuse = exchange.getRequestURI().toString().contains(refusedWhere);
          byte[] bytes =
              (refuse ? REFUSED : body.replace("TOTAL", auth.endsWith("a") ? "99" : "100"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(refuse ? 400 : status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static CountBench bench(URI base) {
    return new CountBench(
        base,
        new CountBench.Side("A", "alice", TokenSource.fixed("token-a")),
        new CountBench.Side("B", "ehr", TokenSource.fixed("token-b")),
        List.of("Observation?_summary=count", "Patient?_summary=count"),
        2,
        1,
        0,
        1);
  }

  @Test
  void aServerThatRefusesCounts_givesOneLine() throws Exception {
    URI base = serve(400, REFUSED);
    assertThatThrownBy(() -> bench(base).run())
        .isInstanceOf(CountBench.CountsRefusedException.class)
        .hasMessageContaining(
            "GET Observation?_summary=count (HTTP 400: _summary=count is refused: counts are not"
                + " offered yet) and 1 more")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aQueryTheServerRefuses_isLeftOut_andTheOthersAreMeasured() throws Exception {
    URI base =
        serve(
            200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":TOTAL}", "Patient");
    Map<String, Object> figures = bench(base).run();
    assertThat(((Map<?, ?>) figures.get("refused")).keySet())
        .hasToString("[Patient?_summary=count]");
    assertThat(figures.get("queries")).isEqualTo(List.of("Observation?_summary=count"));
  }

  @Test
  void measuresBothSides_andReportsTheirCountsAndRatios() throws Exception {
    URI base = serve(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":TOTAL}");
    Map<String, Object> figures = bench(base).run();
    Map<?, ?> a = (Map<?, ?>) figures.get("a");
    Map<?, ?> b = (Map<?, ?>) figures.get("b");
    assertThat((Long) a.get("requests")).isPositive();
    assertThat((Long) b.get("requests")).isPositive();
    assertThat(
            ((Map<?, ?>) ((Map<?, ?>) a.get("perQuery")).get("Patient?_summary=count"))
                .get("count"))
        .isEqualTo(99L);
    assertThat(
            ((Map<?, ?>) ((Map<?, ?>) b.get("perQuery")).get("Patient?_summary=count"))
                .get("count"))
        .isEqualTo(100L);
    assertThat(
            ((List<?>) figures.get("perRound"))
                .stream().map(r -> String.valueOf(((Map<?, ?>) r).get("side"))).toList())
        .containsExactly("A", "B", "B", "A");
    assertThat(((Map<?, ?>) figures.get("ratioAtoB")).get("p50")).isInstanceOf(Double.class);
    assertThat(String.valueOf(figures.get("summary")))
        .contains("A=alice vs B=ehr")
        .contains("count 99/100");
  }

  @Test
  void tokensAreFoundInTheLaunchersOutput() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE5MDAwMDAwMDB9.c2ln";
    assertThat(TokenSource.jwt("Building...\n\u001B[0m" + jwt + "\n")).isEqualTo(jwt);
    assertThat(TokenSource.expiry(jwt)).isEqualTo(1_900_000_000_000L);
  }
}
