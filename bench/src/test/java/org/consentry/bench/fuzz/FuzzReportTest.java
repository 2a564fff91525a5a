package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzReportTest {

  @TempDir Path dir;

  @Test
  void write_givesCountsPerRequesterAndEachFindingWithItsReproducer() throws Exception {
    Tally tally = new Tally();
    Findings findings = new Findings();
    Response ok = new Response(200, Map.of(), new byte[0], false, null, 1);
    Response error =
        new Response(
            500,
            Map.of(),
            "{\"issue\":[{\"diagnostics\":\"java.lang.NumberFormatException\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            false,
            null,
            1);
    tally.add("ehr", "query", ok);
    tally.add("ehr", "query", error);
    tally.add("patient", "body", ok);
    FuzzRequest binary =
        new FuzzRequest("body", "POST", "/Patient", List.of(), new byte[] {0, 1, 2});
    FuzzRequest query = FuzzRequest.of("query", "GET", "/Patient/1/$everything?_count=abc");
    Oracle oracle = new Oracle();
    findings.record(oracle.judge(query, error), query, Fixtures.patient());
    Response leak =
        new Response(
            400,
            Map.of(),
            "{\"issue\":[{\"diagnostics\":\"ERROR: invalid byte sequence\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            false,
            null,
            1);
    findings.record(oracle.judge(binary, leak), binary, Fixtures.anonymous());

    Path file =
        new FuzzReport(dir)
            .write(
                new FuzzReport.Run(
                    "commit abc",
                    7,
                    180,
                    181,
                    30,
                    2,
                    URI.create("http://127.0.0.1:8280/fhir"),
                    List.of(Fixtures.anonymous(), Fixtures.patient())),
                tally,
                findings);

    String md = Files.readString(file);
    assertThat(md)
        .contains(
            "Fuzzed: commit abc.",
            "Seed 7, 180 s planned",
            "| ehr | 1 | 0 | 0 | 1 | 0 | 2 |",
            "| patient | 1 | 0 | 0 | 0 | 0 | 1 |",
            "## Findings (2)",
            "### 1. 500: `java.lang.NumberFormatException`",
            "### 2. 400: `ERROR: invalid byte sequence`",
            "curl -sS -g --path-as-is -H \"Authorization: Bearer $(token fuzz-patient --scope 'patient/*.cruds')\" "
                + "'http://127.0.0.1:8280/fhir/Patient/1/$everything?_count=abc'");
    Path body = dir.resolve(file.getFileName().toString().replace(".md", "")).resolve("1.body");
    assertThat(md).contains("--data-binary @" + body);
    assertThat(Files.readAllBytes(body)).containsExactly(0, 1, 2);
    JsonNode json =
        new ObjectMapper()
            .readTree(dir.resolve(file.getFileName().toString().replace(".md", ".json")).toFile());
    assertThat(json.path("seed").asLong()).isEqualTo(7);
    assertThat(json.path("byRequester").path("ehr").path("5xx").asLong()).isEqualTo(1);
    assertThat(json.path("findings")).hasSize(2);
  }
}
