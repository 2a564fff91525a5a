package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.consentry.cli.imports.FakeFhirServer;
import org.consentry.cli.simulate.FhirConnection;
import org.consentry.cli.simulate.Fleet;
import org.consentry.cli.simulate.SimulationRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code consentry simulate}: its command line, and a short run against a fake server. */
class SimulateCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final List<String[]> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger ids = new AtomicInteger(100);
  volatile int ingestStatus = 200;
  volatile String expiredToken = "none";
  HttpServer http;
  String base;

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/fhir", this::answer);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  /** Records method, path, content type, authorization and body; answers like the real server. */
  private void answer(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    requests.add(
        new String[] {
          exchange.getRequestMethod(),
          path,
          String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
          String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
          body
        });
    int status = 200;
    String answer;
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (("Bearer " + expiredToken).equals(authorization)) {
      status = 401;
      answer = FakeFhirServer.outcome(status, "token expired").body();
    } else if (path.equals("/fhir")) {
      ObjectNode response = JSON.createObjectNode().put("resourceType", "Bundle");
      ArrayNode entries = response.put("type", "transaction-response").putArray("entry");
      for (JsonNode entry : JSON.readTree(body).path("entry")) {
        String type = entry.path("resource").path("resourceType").asText();
        entries
            .addObject()
            .putObject("response")
            .put("status", "201 Created")
            .put("location", type + "/" + ids.incrementAndGet() + "/_history/1");
      }
      answer = response.toString();
    } else if (ingestStatus != 200) {
      status = ingestStatus;
      answer = FakeFhirServer.outcome(status, "line 1: patient is not a Patient").body();
    } else {
      answer = "{\"resourceType\":\"Parameters\"}";
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  int run(Map<String, String> env, String... args) {
    CliCommand.Context context =
        new CliCommand.Context(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    return ConsentryCli.run(List.of(args), context);
  }

  Map<String, String> env() {
    return Map.of("CONSENTRY_FHIR_URL", base, "CONSENTRY_TOKEN", "t0ken");
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			simulate --devices 0                     | --devices wants a whole number from 1 to 10000, not '0'
			simulate --devices many                  | --devices wants a whole number from 1 to 10000, not 'many'
			simulate --seconds -1                    | --seconds wants a whole number from 0 to 604800, not '-1'
			simulate --interval 0                    | --interval wants a whole number from 1 to 300, not '0'
			simulate --seed x                        | --seed wants a whole number, not 'x'
			simulate --patients 1,,2                 | --patients wants patient ids separated by commas
			simulate --patients 1 --devices 2        | give --devices or --patients, not both
			simulate --server ftp://x/fhir           | --server wants an http(s) URL
			simulate --devices                       | --devices needs a value
			simulate --speed 2                       | unknown option --speed
			""")
  void simulate_badArguments_oneLineAndUsage_exit2_nothingSent(String command, String message) {
    int code = run(env(), command.split(" "));

    assertThat(code).isEqualTo(2);
    List<String> lines = err().lines().toList();
    assertThat(lines.get(0)).startsWith("consentry simulate: " + message);
    assertThat(lines.get(1)).startsWith("usage: consentry simulate");
    assertThat(err()).doesNotContain("Exception", "\tat ");
    assertThat(requests).isEmpty();
  }

  @Test
  void simulate_serverDown_oneLine_exit2() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of("CONSENTRY_FHIR_URL", "http://127.0.0.1:" + port + "/fhir", "CONSENTRY_TOKEN", "t");

    int code = run(env, "simulate", "--devices", "2", "--seconds", "1");

    assertThat(code).isEqualTo(2);
    assertThat(err().lines().toList())
        .singleElement()
        .satisfies(l -> assertThat(l).startsWith("consentry simulate: the FHIR server at"));
  }

  @Test
  void simulate_createsPatientsAndDevices_thenPostsNdjsonWithTheToken() throws Exception {
    int code =
        run(
            env(),
            "simulate",
            "--devices",
            "3",
            "--seconds",
            "2",
            "--interval",
            "1",
            "--seed",
            "9");

    assertThat(code).as(err()).isZero();
    String[] setup = requests.get(0);
    assertThat(setup[0] + " " + setup[1]).isEqualTo("POST /fhir");
    JsonNode bundle = JSON.readTree(setup[4]);
    assertThat(bundle.path("entry")).hasSize(6);
    JsonNode patient = bundle.path("entry").get(0).path("resource");
    assertThat(patient.path("name").get(0).path("family").asText()).isEqualTo("Sim-0001");
    assertThat(patient.path("meta").path("tag").get(0).path("system").asText())
        .isEqualTo("urn:consentry:simulator");
    JsonNode device = bundle.path("entry").get(1);
    assertThat(device.path("resource").path("patient").path("reference").asText())
        .isEqualTo(bundle.path("entry").get(0).path("fullUrl").asText());
    assertThat(device.path("resource").path("serialNumber").asText()).startsWith("SIM-");

    List<String[]> ingests = requests.subList(1, requests.size());
    assertThat(ingests).hasSize(2);
    Map<String, Integer> heartRates = new HashMap<>();
    for (String[] r : ingests) {
      assertThat(r[0] + " " + r[1]).isEqualTo("POST /fhir/Observation/$ingest-measurements");
      assertThat(r[2]).startsWith("application/x-ndjson");
      assertThat(r[3]).isEqualTo("Bearer t0ken");
      for (String line : r[4].lines().toList()) {
        JsonNode m = JSON.readTree(line);
        if (m.path("code").asText().equals("8867-4")) {
          heartRates.merge(m.path("device").asText(), 1, Integer::sum);
        }
      }
    }
    // ids 101..106: patients and devices alternate
    assertThat(heartRates).isEqualTo(Map.of("Device/102", 2, "Device/104", 2, "Device/106", 2));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("Patients: 101,103,105", "Devices:  102,104,106", "0 failed requests")
        .contains(base + "/Observation/\\$series?patient=Patient/101&code=8867-4&start=");
  }

  @Test
  void simulate_refusedBatch_oneLineWithTheDiagnostics_exit1() {
    ingestStatus = 422;

    int code = run(env(), "simulate", "--devices", "1", "--seconds", "1", "--interval", "1");

    assertThat(code).isEqualTo(1);
    assertThat(err().lines().toList())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith("consentry simulate: a batch of ")
                    .endsWith("failed: HTTP 422: line 1: patient is not a Patient"));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 failed requests");
  }

  @Test
  void connection_401_asksForAFreshTokenAndSendsAgain() {
    expiredToken = "old";
    Iterator<String> tokens = List.of("old", "new").iterator();
    FhirConnection fhir =
        new FhirConnection(URI.create(base), tokens::next, Duration.ofSeconds(10));

    assertThat(fhir.ingest("{}\n").status()).isEqualTo(200);

    assertThat(requests).extracting(r -> r[3]).containsExactly("Bearer old", "Bearer new");
  }

  @Test
  void run_untilStopped_sendsTheSecondsMeasuredSoFarThenEnds() throws Exception {
    FhirConnection fhir = new FhirConnection(URI.create(base), () -> "t", Duration.ofSeconds(10));
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    SimulationRun run =
        new SimulationRun(fhir, List.of(new Fleet.Member("p1", "d1")), 1, print, print);
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(2_500);
              } catch (InterruptedException e) {
                return;
              }
              run.stop();
            });
    stopper.start();

    SimulationRun.Result result = run.run(0, 60);

    assertThat(result.stoppedEarly()).isTrue();
    long seconds = result.endEpochSecond() - result.startEpochSecond();
    assertThat(seconds).isBetween(2L, 4L);
    long heartRates =
        requests.stream().flatMap(r -> r[4].lines()).filter(l -> l.contains("8867-4")).count();
    assertThat(heartRates).isEqualTo(seconds);
    assertThat(result.measurements()).isGreaterThanOrEqualTo(seconds);
  }
}
