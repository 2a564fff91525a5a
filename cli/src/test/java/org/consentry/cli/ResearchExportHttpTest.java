package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code consentry research export} end to end over real HTTP on loopback against {@link
 * ResearchFakeServer}; tokens come from a stub and the clock only moves when the command sleeps.
 */
class ResearchExportHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RISK =
      "Re-identification risk: low (k = 5 met by every released record)\n"
          + "Highest prosecutor risk 0.20\n\nDetails per quasi-identifier:\n  birthDate ...";
  private static final String REPRESENTATIVENESS =
      "Representativeness: released cohort differs from eligible on sex (p = 0.04)\n\nTable ...";

  @TempDir Path dir;

  ResearchFakeServer server;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final List<String> fetchedFor = new ArrayList<>();
  final List<Duration> sleeps = new ArrayList<>();
  final AtomicLong clock = new AtomicLong();
  final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = new ResearchFakeServer();
    env.put("CONSENTRY_FHIR_URL", server.fhirBase());
    server.files.put("obs-1.ndjson", "{\"resourceType\":\"Observation\",\"id\":\"o1\"}");
    server.files.put(
        "obs-2.ndjson",
        "{\"resourceType\":\"Observation\",\"id\":\"o2\"}\n\n"
            + "{\"resourceType\":\"Observation\",\"id\":\"o3\"}\n");
    server.files.put(
        "patient-1.ndjson",
        "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n{\"resourceType\":\"Patient\",\"id\":\"p2\"}\n"
            + "{\"resourceType\":\"Patient\",\"id\":\"p3\"}\n");
    server.doneBody = manifest("Observation:obs-1", "Patient:patient-1", "Observation:obs-2");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String manifest(String... outputs) {
    StringBuilder list = new StringBuilder();
    for (String output : outputs) {
      String[] parts = output.split(":");
      list.append(list.isEmpty() ? "" : ",")
          .append(
              "{\"type\":\"%s\",\"url\":\"%s/files/%s.ndjson\"}"
                  .formatted(parts[0], server.base, parts[1]));
    }
    return """
        {"transactionTime":"2025-01-01T00:00:00Z","request":"%s/fhir/ResearchStudy/s1/$export",
         "requiresAccessToken":true,"output":[%s],"error":[],
         "extension":{"http://consentry.org/fhir/research-export":{"study":"ResearchStudy/s1",
           "profile":"safe-harbor","k":5,
           "cohort":{"eligible":10,"consented":3,"suppressed":0,"released":3},
           "riskReport":{"maxRisk":0.2},"riskReportText":%s,
           "representativenessReport":{},"representativenessReportText":%s}}}"""
        .formatted(server.base, list, quote(RISK), quote(REPRESENTATIVENESS));
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  int run(String... args) {
    List<String> tokens = List.of("t1", "t2", "t3", "t4", "t5", "t6");
    ResearchCommand command =
        new ResearchCommand(
            (environment, user) -> {
              fetchedFor.add(user);
              return tokens.get(Math.min(fetchedFor.size(), tokens.size()) - 1);
            },
            new ResearchExport.Pacing(
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                d -> {
                  sleeps.add(d);
                  clock.addAndGet(d.toNanos());
                },
                clock::get));
    CliCommand.Context context =
        new CliCommand.Context(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    return command.run(List.of(args), context);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  Path target() {
    return dir.resolve("export");
  }

  @Test
  void export_pollsDownloadsSavesAndSummarises() throws IOException {
    int code =
        run(
            "export",
            "ResearchStudy/s1",
            "--out",
            target().toString(),
            "--user",
            "rita",
            "--type",
            "Patient,Observation");

    assertThat(code).as(err()).isZero();
    assertThat(Files.readString(target().resolve("Observation.ndjson")))
        .isEqualTo(
            "{\"resourceType\":\"Observation\",\"id\":\"o1\"}\n"
                + "{\"resourceType\":\"Observation\",\"id\":\"o2\"}\n\n"
                + "{\"resourceType\":\"Observation\",\"id\":\"o3\"}\n");
    assertThat(Files.readAllLines(target().resolve("Patient.ndjson"))).hasSize(3);
    String manifest = Files.readString(target().resolve("manifest.json"));
    assertThat(JSON.readTree(manifest)).isEqualTo(JSON.readTree(server.doneBody));
    assertThat(manifest).contains("\n  \"requiresAccessToken\" : true");
    assertThat(Files.readString(target().resolve("risk-report.txt"))).isEqualTo(RISK + "\n");
    assertThat(Files.readString(target().resolve("representativeness-report.txt")))
        .isEqualTo(REPRESENTATIVENESS + "\n");
    try (Stream<Path> files = Files.list(target())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "Observation.ndjson",
              "Patient.ndjson",
              "manifest.json",
              "risk-report.txt",
              "representativeness-report.txt");
    }
    assertThat(out())
        .contains(
            "Research export of ResearchStudy/s1 (profile safe-harbor, k = 5)",
            "Cohort: 10 eligible, 3 consented, 0 suppressed, 3 released",
            "Observation            3",
            "Patient                3",
            "Total                  6",
            "Saved to " + target(),
            "Risk (risk-report.txt):\n  Re-identification risk: low",
            "  Highest prosecutor risk 0.20\nRepresentativeness (representativeness-report.txt):\n"
                + "  Representativeness: released cohort differs")
        .doesNotContain("Details per quasi-identifier");
    assertThat(err())
        .contains(
            "research export: selecting cohort, step 0 (0 s)",
            "research export: selecting cohort, step 1 (3 s)",
            "research export: downloading Observation (file 1 of 3)");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(5));
    List<ResearchFakeServer.Seen> seen = server.requests;
    assertThat(seen).hasSize(7);
    assertThat(seen.get(0))
        .isEqualTo(
            new ResearchFakeServer.Seen(
                "/fhir/ResearchStudy/s1/$export",
                "_type=Patient,Observation",
                "Bearer t1",
                "application/fhir+json",
                "respond-async"));
    assertThat(seen.subList(1, 4))
        .allSatisfy(
            s -> {
              assertThat(s.path()).isEqualTo("/fhir/$export-poll-status");
              assertThat(s.prefer()).isNull();
              assertThat(s.accept()).isEqualTo("application/fhir+json");
            });
    assertThat(seen.subList(4, 7))
        .extracting(s -> s.path() + " " + s.accept() + " " + s.authorization())
        .containsExactly(
            "/files/obs-1.ndjson application/fhir+ndjson Bearer t1",
            "/files/obs-2.ndjson application/fhir+ndjson Bearer t1",
            "/files/patient-1.ndjson application/fhir+ndjson Bearer t1");
    assertThat(fetchedFor).containsExactly("rita");
  }

  @Test
  void export_kickOffRefused_printsTheDiagnosticsAndExits1() {
    server.kickOffStatus = 403;
    server.kickOffDiagnostics = "rita is not a researcher of ResearchStudy/s1";
    env.put("CONSENTRY_USER", "rita");

    int code = run("export", "s1", "--out", target().toString());

    assertThat(code).isEqualTo(1);
    assertThat(err())
        .isEqualTo("consentry research export: rita is not a researcher of ResearchStudy/s1\n");
    assertThat(server.requests.get(0).path()).isEqualTo("/fhir/ResearchStudy/s1/$export");
    assertThat(server.requests.get(0).query()).isNull();
    assertThat(target()).doesNotExist();
    assertThat(out()).isEmpty();
  }

  @Test
  void export_kickOffServerError_exits2() {
    server.kickOffStatus = 503;
    server.kickOffDiagnostics = "the database is not answering";

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).isEqualTo(2);
    assertThat(err()).isEqualTo("consentry research export: the database is not answering\n");
  }

  @Test
  void export_jobFails_printsItsDiagnosticsAndExits1() {
    server.doneStatus = 500;
    server.doneBody = ResearchFakeServer.outcome("de-identification failed: no profile 'strict'");

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).isEqualTo(1);
    assertThat(err().lines().toList())
        .last()
        .isEqualTo(
            "consentry research export: the export job failed: de-identification failed: no"
                + " profile 'strict'");
    assertThat(target()).doesNotExist();
  }

  @Test
  void export_expiredToken_fetchesANewOneAndRetriesEachRequestOnce() throws IOException {
    server.usesPerToken = 2;

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).as(err()).isZero();
    // t1: kick-off, poll 1; t2: poll 2, manifest; t3: obs-1, obs-2; t4: patient-1
    assertThat(server.unauthorized).isEqualTo(3);
    assertThat(fetchedFor).hasSize(4);
    assertThat(Files.readAllLines(target().resolve("Patient.ndjson"))).hasSize(3);
  }

  @Test
  void export_tokenRefusedTwice_exits1() {
    server.usesPerToken = 0;

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).isEqualTo(1);
    assertThat(fetchedFor).hasSize(2);
    assertThat(err()).isEqualTo("consentry research export: token expired\n");
  }

  @Test
  void export_intoAFolderWithAnExport_isRefusedUnlessOverwrite() throws IOException {
    Files.createDirectories(target());
    Files.writeString(
        target().resolve("manifest.json"),
        "{\"output\":[{\"type\":\"Condition\",\"url\":\"x\"},{\"type\":\"Patient\",\"url\":\"y\"}]}");
    Files.writeString(target().resolve("Condition.ndjson"), "{}\n");
    Files.writeString(target().resolve("notes.txt"), "mine\n");

    int refused = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(refused).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "consentry research export: "
                + target()
                + " already holds an export (manifest.json): pass --overwrite to replace it, or"
                + " choose another folder\n");
    assertThat(server.requests).isEmpty();
    assertThat(fetchedFor).isEmpty();

    int replaced =
        run("export", "s1", "--out", target().toString(), "--user", "rita", "--overwrite");

    assertThat(replaced).isZero();
    assertThat(target().resolve("Condition.ndjson")).doesNotExist();
    assertThat(target().resolve("notes.txt")).exists();
    assertThat(Files.readString(target().resolve("manifest.json"))).contains("obs-1");
  }

  @Test
  void export_intoAFolderWithExportFilesButNoManifest_isRefusedUnlessOverwrite()
      throws IOException {
    Files.createDirectories(target());
    Files.writeString(target().resolve("Goal.ndjson"), "{}\n");
    Files.writeString(target().resolve("notes.txt"), "mine\n");

    int refused = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(refused).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "consentry research export: "
                + target()
                + " holds export files without a manifest (Goal.ndjson): pass --overwrite to"
                + " replace them, or choose another folder\n");
    assertThat(server.requests).isEmpty();

    int replaced =
        run("export", "s1", "--out", target().toString(), "--user", "rita", "--overwrite");

    assertThat(replaced).isZero();
    assertThat(target().resolve("Goal.ndjson")).as("not part of the new export").doesNotExist();
    assertThat(target().resolve("notes.txt")).exists();
    assertThat(target().resolve("manifest.json")).exists();
  }

  @Test
  void export_jobStillRunningAtTheTimeout_exits1NamingTheStatusUrl() {
    server.runningPolls = Integer.MAX_VALUE;
    server.retryAfter = List.of("4");

    int code =
        run("export", "s1", "--out", target().toString(), "--user", "rita", "--timeout", "10s");

    assertThat(code).isEqualTo(1);
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(2));
    assertThat(err().lines().toList())
        .last()
        .asString()
        .startsWith("consentry research export: the export job is still running after 10s")
        .contains(server.statusUrl());
    assertThat(target()).doesNotExist();
  }

  @Test
  void export_serverDown_exits2() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    env.put("CONSENTRY_FHIR_URL", "http://127.0.0.1:" + port + "/fhir");

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("is not answering").hasLineCount(1);
  }

  @Test
  void export_missingOutputFile_leavesNoFileUnderAFinalName() {
    server.files.remove("patient-1.ndjson");

    int code = run("export", "s1", "--out", target().toString(), "--user", "rita");

    assertThat(code).isEqualTo(1);
    assertThat(err()).contains("patient-1.ndjson answered HTTP 404");
    assertThat(target()).doesNotExist();
  }
}
