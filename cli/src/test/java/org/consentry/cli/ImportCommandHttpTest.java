package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.consentry.cli.imports.FakeFhirServer;
import org.consentry.cli.imports.FhirResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end over real HTTP on loopback, with {@link FakeFhirServer} answering. */
class ImportCommandHttpTest {

  @TempDir Path dir;

  final FakeFhirServer fhir = new FakeFhirServer();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
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

  private void answer(HttpExchange exchange) throws IOException {
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    FhirResponse response =
        exchange.getRequestMethod().equals("POST")
            ? fhir.postBundle(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
            : fhir.get(exchange.getRequestURI().getPath().substring("/fhir/".length()));
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
    exchange.sendResponseHeaders(response.status(), body.length);
    exchange.getResponseBody().write(body);
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

  @Test
  void import_synthea10OverHttp_loadsAllPrintsTheTableAndSendsTheToken() {
    int code =
        run(
            Map.of("CONSENTRY_FHIR_URL", base, "CONSENTRY_TOKEN", "t0ken"),
            "import",
            "../data/synthea-10");

    assertThat(code).isZero();
    assertThat(fhir.store).hasSize(9022);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("Observation +3,227 +0")
        .containsPattern("Total +9,022 +0")
        .contains("resources/s");
    assertThat(authorizations).isNotEmpty().allMatch("Bearer t0ken"::equals);
  }

  @Test
  void import_withSkip_reportsTheLineOnStderrAndExits1() throws IOException {
    Files.writeString(
        dir.resolve("Patient.ndjson"),
        """
				{"resourceType":"Patient","id":"fine"}
				{"resourceType":"Patient","id":"bad","status":"bogus"}
				""");

    int code = run(Map.of(), "import", dir.toString(), "--server", base, "--on-error=skip");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            dir.resolve("Patient.ndjson")
                + ":2: Patient/bad rejected by the server (HTTP 400: HAPI-0450");
    assertThat(fhir.store).containsOnlyKeys("Patient/fine");
  }

  @Test
  void import_ofAnExportFolder_namesEachSkippedFileOnStderr_countsThem_andExits0()
      throws IOException {
    Files.writeString(
        dir.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n");
    Files.writeString(dir.resolve("log.ndjson"), "{\"level\":\"INFO\",\"message\":\"done\"}\n");
    Files.writeString(
        dir.resolve("manifest.json"),
        "{\"transactionTime\":\"2026-11-28T10:00:00Z\",\"output\":[]}");
    Files.writeString(
        dir.resolve("errors.ndjson"),
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\"}]}\n");

    int code = run(Map.of(), "import", dir.toString(), "--server", base);

    assertThat(code).isZero();
    assertThat(fhir.store).containsOnlyKeys("Patient/p1");
    assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("skipped ")))
        .containsExactlyInAnyOrder(
            "skipped "
                + dir.resolve("errors.ndjson")
                + ": OperationOutcome: an error report of the"
                + " server that exported the data, not data (line 1)",
            "skipped "
                + dir.resolve("log.ndjson")
                + ": not FHIR: no \"resourceType\" (a log or a"
                + " report, not resources) (line 1)",
            "skipped "
                + dir.resolve("manifest.json")
                + ": a Bulk Data export manifest, not FHIR data");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("Total +1 +0")
        .contains("3 file(s) skipped: not FHIR data");
  }

  @Test
  void import_serverNotRunning_saysSoInOneLineAndExits2() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/fhir";

    int code = run(Map.of(), "import", "../data/synthea-10", "--server", url);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .asString()
        .contains("the FHIR server at " + url + " is not answering", "./consentry up");
  }

  @Test
  void import_urlThatIsNotAFhirBase_saysSoAndExits2() {
    int code =
        run(
            Map.of(),
            "import",
            "../data/synthea-10",
            "--server",
            base.replace("/fhir", "/elsewhere"));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("does not look like a FHIR server base URL", "HTTP 404");
  }
}
