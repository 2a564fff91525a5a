package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.consentry.cli.imports.FakeFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code consentry audit verify} over real HTTP on loopback against a fake {@code $audit-verify}
 * that answers what the server's operation answers (recorded in {@code /audit-verify/}).
 */
class AuditCommandTest {

  private static final String INTACT_TEXT =
      "Checked 120 records (1 to 120): the audit trail holds.";
  private static final String TAMPERED_TEXT =
      "Record 42 was changed after it was written; the checkpoint at record 40 still holds.";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Map<String, String> env = new HashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer http;
  private int status = 200;
  private String body = "";

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          seen.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
          if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    http.start();
    env.put("CONSENTRY_FHIR_URL", "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir");
    env.put("CONSENTRY_TOKEN", "token-1");
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private CliCommand.Context context() {
    return new CliCommand.Context(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env,
        false);
  }

  private int run(String... args) {
    return ConsentryCli.run(List.of(args), context());
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private List<String> errLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** What the server's $audit-verify answers (fhir-server's VerifyAnswersTest holds it to that). */
  private static String answer(String name) {
    try (var in = AuditCommandTest.class.getResourceAsStream("/audit-verify/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void intactTrail_saysSo_exits0_askingAsTheAuditor() {
    body = answer("intact");

    assertThat(run("audit", "verify")).isZero();

    List<String> lines = outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith("last checkpoint that holds: record 120, signed 2026-11-28");
    assertThat(lines.subList(1, 3)).containsExactly(INTACT_TEXT, "audit trail intact");
    assertThat(String.join("\n", lines)).doesNotContain("problem", "TAMPERED");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(seen).containsExactly("GET /fhir/$audit-verify Bearer token-1");
  }

  @Test
  void tamperedTrail_namesTheFirstProblemAndTheLastGoodCheckpoint_exits1() {
    body = answer("altered");

    assertThat(run("audit", "verify")).isEqualTo(1);

    List<String> lines = outLines();
    assertThat(lines.get(0))
        .isEqualTo(
            "first problem: record 42 (AuditEvent/42): altered:"
                + " hash of record 42 does not match its content");
    assertThat(lines.get(1)).startsWith("last checkpoint that holds: record 40, signed 2026-11-28");
    assertThat(lines.subList(2, lines.size()))
        .containsExactly(TAMPERED_TEXT, "audit trail TAMPERED");
  }

  @Test
  void problemKinds_areSpelledAsCodes() {
    body = answer("inserted-or-reordered");

    assertThat(run("audit", "verify")).isEqualTo(1);

    assertThat(outLines().get(0))
        .startsWith("first problem: record 42 (AuditEvent/42): inserted-or-reordered: ");
  }

  @Test
  void aUser_isTheAuditorWhoseTokenIsFetched_overAnyTokenInTheEnvironment() {
    body = answer("intact");
    List<String> fetchedFor = new ArrayList<>();
    AuditCommand command =
        new AuditCommand(
            (environment, username) -> {
              fetchedFor.add(username);
              return "token-of-" + username;
            });

    assertThat(command.run(List.of("verify", "--user", "audrey"), context())).isZero();

    assertThat(fetchedFor).containsExactly("audrey");
    assertThat(seen).containsExactly("GET /fhir/$audit-verify Bearer token-of-audrey");
  }

  @Test
  void aTokenThatCannotBeFetched_isOneLine_exit2() {
    AuditCommand command =
        new AuditCommand(
            (environment, username) -> {
              throw new ResearchExport.Failure(
                  ConsentryCli.CANNOT_RUN, "cannot reach Keycloak at http://127.0.0.1:1");
            });

    assertThat(command.run(List.of("verify", "--user", "audrey"), context())).isEqualTo(2);

    assertThat(errLines())
        .containsExactly("consentry audit: cannot reach Keycloak at http://127.0.0.1:1");
    assertThat(seen).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			audit                          | expected verify
			audit check                    | unknown verb 'check' (expected verify)
			audit verify --colour red      | unknown argument --colour
			audit verify --server          | --server needs a value
			audit verify --user            | --user needs a value
			audit verify --server ftp://x  | --server wants an http(s) URL
			""")
  void refusedCommandLine_saysWhyThenUsage_exits2(String command, String message) {
    assertThat(run(command.split(" "))).isEqualTo(2);

    assertThat(errLines().get(0)).startsWith("consentry audit: " + message);
    assertThat(errLines().get(1)).startsWith("usage: consentry audit verify");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(seen).isEmpty();
  }

  @Test
  void noAuditorNorToken_saysHowToGetOne_exits2() {
    env.remove("CONSENTRY_TOKEN");

    assertThat(run("audit", "verify")).isEqualTo(2);

    assertThat(errLines().get(0))
        .isEqualTo(
            "consentry audit: no auditor: pass --user USERNAME (./consentry user add-auditor"
                + " USERNAME) or set CONSENTRY_TOKEN");
    assertThat(seen).isEmpty();
  }

  @Test
  void unreachableServer_isOneLine_exits2() {
    env.put("CONSENTRY_FHIR_URL", "http://127.0.0.1:1/fhir");

    assertThat(run("audit", "verify")).isEqualTo(2);

    assertThat(errLines())
        .singleElement()
        .asString()
        .startsWith("consentry audit: the FHIR server at http://127.0.0.1:1/fhir is not answering");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aRefusal_isOneLineWithTheServersWords_exits2() {
    status = 403;
    body =
        FakeFhirServer.outcome(403, "$audit-verify is not offered to practitioners on this server")
            .body();

    assertThat(run("audit", "verify")).isEqualTo(2);

    assertThat(errLines())
        .containsExactly(
            "consentry audit: $audit-verify answered HTTP 403:"
                + " $audit-verify is not offered to practitioners on this server");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void anAnswerThatIsNotJson_isOneLine_exits2() {
    body = "<html>proxy error</html>";

    assertThat(run("audit", "verify")).isEqualTo(2);

    assertThat(errLines())
        .containsExactly("consentry audit: $audit-verify answered something that is not JSON");
  }
}
