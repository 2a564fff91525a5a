package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder as another server's Bulk Data export leaves it: the resource files, and beside them a
 * log, the manifest, an OperationOutcome error file and a note. The data loads; the rest is skipped
 * and named, and is not a failure.
 */
class ExportFolderTest {

  @TempDir Path export;

  final FakeFhirServer server = new FakeFhirServer();
  final List<SkippedFile> named = new ArrayList<>();
  final List<ImportFailure> failed = new ArrayList<>();
  final ImportListener listener =
      new ImportListener() {
        @Override
        public void skipped(SkippedFile file) {
          named.add(file);
        }

        @Override
        public void failure(ImportFailure failure) {
          failed.add(failure);
        }
      };

  @BeforeEach
  void anExport() throws IOException {
    Files.writeString(
        export.resolve("Patient.ndjson"),
        """
        {"resourceType":"Patient","id":"p1","name":[{"family":"Rivera"}]}
        {"resourceType":"Patient","id":"p2","name":[{"family":"Okafor"}]}
        """);
    Files.writeString(
        export.resolve("Observation.ndjson"),
        """
        {"resourceType":"Observation","id":"o1","status":"final","code":{"text":"pulse"},"subject":{"reference":"Patient/p1"}}
        """);
    Files.writeString(
        export.resolve("log.ndjson"),
        """
        {"time":"2026-11-28T10:00:00Z","level":"INFO","message":"export started","job":"42"}
        {"time":"2026-11-28T10:00:09Z","level":"INFO","message":"export complete","resources":3}
        """);
    Files.writeString(
        export.resolve("manifest.json"),
        """
        {"transactionTime":"2026-11-28T10:00:00Z","request":"https://ehr.example.org/fhir/$export",
         "requiresAccessToken":true,
         "output":[{"type":"Patient","url":"https://ehr.example.org/files/Patient.ndjson"},
                   {"type":"Observation","url":"https://ehr.example.org/files/Observation.ndjson"}],
         "error":[{"type":"OperationOutcome","url":"https://ehr.example.org/files/err.ndjson"}]}
        """);
    Files.createDirectory(export.resolve("error"));
    Files.writeString(
        export.resolve("error/OperationOutcome.ndjson"),
        """
        {"resourceType":"OperationOutcome","id":"e1","issue":[{"severity":"error","code":"processing","diagnostics":"Encounter/9 could not be read"}]}
        """);
    Files.writeString(export.resolve("README.txt"), "Exported by ehr.example.org\n");
  }

  ImportResult run(Path... paths) {
    return new Importer(server, ImportOptions.defaults().withListener(listener))
        .run(List.of(paths));
  }

  @Test
  void theData_loads_andTheOtherFiles_areSkippedAndNamed_notFailed() {
    ImportResult result = run(export);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.loadedByType()).containsOnlyKeys("Patient", "Observation");
    assertThat(result.loaded()).isEqualTo(3);
    assertThat(result.failures()).isEmpty();
    assertThat(server.store).containsOnlyKeys("Patient/p1", "Patient/p2", "Observation/o1");
    assertThat(result.skipped())
        .extracting(SkippedFile::file)
        .containsExactlyInAnyOrder(
            export.resolve("log.ndjson"),
            export.resolve("manifest.json"),
            export.resolve("error/OperationOutcome.ndjson"),
            export.resolve("README.txt"));
    assertThat(named).containsExactlyInAnyOrderElementsOf(result.skipped());
    assertThat(failed).isEmpty();
  }

  @Test
  void eachSkippedFile_saysWhy() {
    ImportResult result = run(export);

    assertThat(result.skipped())
        .extracting(SkippedFile::toString)
        .contains(
            "skipped "
                + export.resolve("manifest.json")
                + ": a Bulk Data export manifest, not FHIR data",
            "skipped "
                + export.resolve("log.ndjson")
                + ": not FHIR: no \"resourceType\" (a log or a report, not resources) (line 1)",
            "skipped "
                + export.resolve("error/OperationOutcome.ndjson")
                + ": OperationOutcome: an error report of the server that exported the data, not"
                + " data (line 1)",
            "skipped "
                + export.resolve("README.txt")
                + ": neither .ndjson nor .json, so not FHIR data");
  }

  @Test
  void aFileNamedOnItsOwn_thatIsNotFhir_isStillAFailure() {
    ImportResult result = run(export.resolve("log.ndjson"), export.resolve("manifest.json"));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.skipped()).isEmpty();
    assertThat(result.failures())
        .extracting(ImportFailure::location)
        .containsExactly(
            export.resolve("manifest.json").toString(),
            export.resolve("log.ndjson") + ":1",
            export.resolve("log.ndjson") + ":2");
    assertThat(server.store).isEmpty();
  }

  @Test
  void operationOutcomeLines_areNeverImportedAsData_evenInAFileNamedOnItsOwn() throws IOException {
    Path mixed = export.resolve("mixed.ndjson");
    Files.writeString(
        mixed,
        """
        {"resourceType":"Patient","id":"p3"}
        {"resourceType":"OperationOutcome","id":"e2","issue":[{"severity":"error","code":"processing"}]}
        """);

    ImportResult result =
        new Importer(
                server,
                ImportOptions.defaults()
                    .withOnError(ImportOptions.OnError.SKIP)
                    .withListener(listener))
            .run(List.of(mixed, export.resolve("error/OperationOutcome.ndjson")));

    assertThat(server.store).containsOnlyKeys("Patient/p3");
    assertThat(result.failures())
        .extracting(ImportFailure::reason)
        .hasSize(2)
        .allMatch(reason -> reason.startsWith("OperationOutcome: an error report"));
  }

  @Test
  void aFolderNamedTwice_orAFileInItNamedToo_isReadOnce() {
    ImportResult result = run(export, export.resolve("Patient.ndjson"), export);

    assertThat(result.loaded()).isEqualTo(3);
    assertThat(result.skipped()).hasSize(4);
  }
}
