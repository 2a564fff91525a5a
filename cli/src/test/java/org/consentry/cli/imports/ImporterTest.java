package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.consentry.cli.imports.ImportOptions.OnError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterTest {

  static final Path SYNTHEA_10 = Path.of("../data/synthea-10");
  static final Path SAMPLE_BUNDLES = Path.of("../data/sample-bundles");

  @TempDir Path dir;

  final FakeFhirServer server = new FakeFhirServer();
  final List<ImportFailure> reported = new ArrayList<>();
  final ImportListener listener =
      new ImportListener() {
        @Override
        public void failure(ImportFailure failure) {
          reported.add(failure);
        }
      };

  ImportResult run(ImportOptions options, Path... paths) {
    return new Importer(server, options.withListener(listener)).run(List.of(paths));
  }

  ImportResult run(Path... paths) {
    return run(ImportOptions.defaults(), paths);
  }

  @Test
  void import_synthea10_loadsEveryResourceWithoutAReferenceRejection() {
    ImportResult result = run(SYNTHEA_10);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.loaded()).isEqualTo(9022);
    assertThat(result.loadedByType())
        .containsEntry("Observation", 3227L)
        .containsEntry("Provenance", 10L);
    assertThat(server.rejected).as("transactions rejected for order").isZero();
    assertThat(server.store).hasSize(9022);
  }

  @Test
  void import_runTwice_createsNoDuplicates() {
    run(SYNTHEA_10);
    int created = server.creates;

    ImportResult again = run(SYNTHEA_10);

    assertThat(again.loaded()).isEqualTo(9022);
    assertThat(server.creates).isEqualTo(created);
    assertThat(server.updates).isEqualTo(9022);
  }

  @Test
  void import_batches_areCappedByCountAndByBytes() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      lines
          .append("{\"resourceType\":\"Patient\",\"id\":\"p")
          .append(i)
          .append("\",\"text\":{\"div\":\"")
          .append("x".repeat(800))
          .append("\"}}\n");
    }
    Files.writeString(dir.resolve("Patient.ndjson"), lines);

    run(ImportOptions.defaults().withBatchSize(10), dir);
    assertThat(server.transactions)
        .extracting(List::size)
        .containsExactlyInAnyOrder(10, 10, 5); // two in flight: any order

    server.transactions.clear();
    server.bodySizes.clear();
    run(ImportOptions.defaults().withMaxBatchBytes(4096), dir);
    assertThat(server.transactions).extracting(List::size).allMatch(n -> n == 4 || n == 1);
    assertThat(server.bodySizes).allMatch(size -> size <= 4096 + 100);
  }

  @Test
  void import_aTypeOfManyBatches_goesInEvenBatchesThatFillEverySlot() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 230; i++) {
      lines.append("{\"resourceType\":\"Patient\",\"id\":\"p").append(i).append("\"}\n");
    }
    Files.writeString(dir.resolve("Patient.ndjson"), lines);

    ImportResult result = run(ImportOptions.defaults().withBatchSize(100), dir);

    // 100, 100 and 30 would leave one slot idle for the last batch; 4 of about 58 keep both busy
    assertThat(result.loaded()).isEqualTo(230);
    assertThat(server.transactions)
        .extracting(List::size)
        .containsExactlyInAnyOrder(58, 58, 58, 56);
  }

  @Test
  void evenBatchSize_atMostTheMaximum_evenAcrossTheSlots_unchangedForOneSlotOrFewResources() {
    assertThat(NdjsonImport.evenBatchSize(3227, 500, 2)).isEqualTo(404);
    assertThat(NdjsonImport.evenBatchSize(691, 500, 2)).isEqualTo(346);
    assertThat(NdjsonImport.evenBatchSize(445, 500, 2)).isEqualTo(223);
    assertThat(NdjsonImport.evenBatchSize(1000, 500, 2)).isEqualTo(500);
    assertThat(NdjsonImport.evenBatchSize(1001, 500, 4)).isEqualTo(251);
    assertThat(NdjsonImport.evenBatchSize(100, 500, 2)).isEqualTo(50);
    assertThat(NdjsonImport.evenBatchSize(99, 500, 2)).as("under 50 per slot").isEqualTo(500);
    assertThat(NdjsonImport.evenBatchSize(3227, 500, 1)).as("one slot").isEqualTo(500);
    assertThat(NdjsonImport.evenBatchSize(0, 500, 2)).isEqualTo(500);
  }

  @Test
  void import_malformedLine_namesFileAndLine() throws IOException {
    Path file = dir.resolve("Patient.ndjson");
    Files.writeString(
        file,
        "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n\n{\"resourceType\":\"Patient\",\"id\":\n");

    ImportResult result = run(dir);

    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location()).isEqualTo(file + ":3");
              assertThat(f.reason()).startsWith("not valid JSON");
            });
    assertThat(result.stopped()).isTrue();
    assertThat(server.transactions).as("nothing sent when scanning found an error").isEmpty();
  }

  @Test
  void import_lineWithoutId_isAnErrorForThatLineOnly() throws IOException {
    Path file = dir.resolve("Patient.ndjson");
    Files.writeString(
        file, "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n{\"resourceType\":\"Patient\"}\n");

    ImportResult result = run(ImportOptions.defaults().withOnError(OnError.SKIP), dir);

    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location()).isEqualTo(file + ":2");
              assertThat(f.reason()).contains("without \"id\"");
            });
    assertThat(server.store).containsOnlyKeys("Patient/a");
  }

  @Test
  void import_rejectedEntry_isPinpointedByBisectionAndTheRestLoads() throws IOException {
    Path file = dir.resolve("Patient.ndjson");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      String status = i == 27 ? ",\"status\":\"bogus\"" : "";
      lines
          .append("{\"resourceType\":\"Patient\",\"id\":\"p")
          .append(i)
          .append('"')
          .append(status)
          .append("}\n");
    }
    Files.writeString(file, lines);

    ImportResult result = run(ImportOptions.defaults().withOnError(OnError.SKIP), dir);

    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location()).isEqualTo(file + ":27");
              assertThat(f.reason())
                  .contains("Patient/p27", "HTTP 400", "Invalid attribute value \"bogus\"");
            });
    assertThat(result.loaded()).isEqualTo(39);
    assertThat(server.store).hasSize(39).doesNotContainKey("Patient/p27");
    assertThat(server.transactions.size())
        .as("bisection, not one request per resource")
        .isLessThan(16);
    assertThat(reported).containsExactlyElementsOf(result.failures());
  }

  @Test
  void import_onErrorStop_stopsAtTheFirstRejectedResource() throws IOException {
    writeObservationsReferencingMissingPatients();

    // one transaction at a time: with more, a batch already in flight when the run stops completes
    ImportResult result = run(ImportOptions.defaults().withBatchSize(1).withParallel(1), dir);

    assertThat(result.stopped()).isTrue();
    assertThat(result.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.location()).endsWith("Observation.ndjson:1"));
    assertThat(result.notAttempted()).isEqualTo(2);
  }

  @Test
  void import_onErrorSkip_reportsEachRejectionAndLoadsTheRest() throws IOException {
    writeObservationsReferencingMissingPatients();

    ImportResult result = run(ImportOptions.defaults().withOnError(OnError.SKIP), dir);

    assertThat(result.stopped()).isFalse();
    assertThat(result.failures())
        .extracting(ImportFailure::location)
        .containsExactly(
            dir.resolve("Observation.ndjson") + ":1", dir.resolve("Observation.ndjson") + ":3");
    assertThat(result.failures().get(0).reason()).contains("Patient/nobody not found");
    assertThat(result.loadedByType()).containsEntry("Observation", 1L).containsEntry("Patient", 1L);
  }

  @Test
  void import_referenceToALaterResourceOfTheSameType_isDeferredAndLoads() throws IOException {
    Files.writeString(
        dir.resolve("Observation.ndjson"),
        """
				{"resourceType":"Observation","id":"panel","hasMember":[{"reference":"Observation/member"}]}
				{"resourceType":"Observation","id":"member"}
				""");

    ImportResult result = run(ImportOptions.defaults().withBatchSize(1), dir);

    assertThat(result.succeeded()).isTrue();
    assertThat(server.store).containsKeys("Observation/panel", "Observation/member");
  }

  @Test
  void import_sampleBundles_loadsReferenceDataFirstAsIdempotentPuts() {
    ImportResult result = run(SAMPLE_BUNDLES);
    int created = server.creates;
    run(SAMPLE_BUNDLES);

    assertThat(result.succeeded()).isTrue();
    assertThat(server.transactions.get(0)).allMatch(key -> key.startsWith("Organization/"));
    assertThat(server.transactions.get(1)).allMatch(key -> key.startsWith("Practitioner/"));
    assertThat(server.creates).as("second run creates nothing").isEqualTo(created);
  }

  @Test
  void import_rejectedTransactionBundle_namesTheEntryIndex() throws IOException {
    Path file = dir.resolve("bundle.json");
    Files.writeString(
        file,
        """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"fullUrl":"urn:uuid:0a","resource":{"resourceType":"Patient","id":"0a"},"request":{"method":"POST","url":"Patient"}},
				 {"fullUrl":"urn:uuid:0b","resource":{"resourceType":"Observation","id":"0b","subject":{"reference":"urn:uuid:0a"}},"request":{"method":"POST","url":"Observation"}},
				 {"fullUrl":"urn:uuid:0c","resource":{"resourceType":"Observation","id":"0c","subject":{"reference":"Patient/elsewhere"}},"request":{"method":"POST","url":"Observation"}}]}
				""");

    ImportResult result = run(ImportOptions.defaults().withOnError(OnError.SKIP), file);

    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location()).isEqualTo(file + " Bundle.entry[2]");
              assertThat(f.reason())
                  .contains(
                      "Observation/0c", "Patient/elsewhere not found", "nothing from this file");
            });
    assertThat(result.failed()).isEqualTo(3);
    assertThat(server.store).isEmpty();
  }

  @Test
  void import_serverRefusesCredentials_failsBeforeReadingData() {
    server.answerStatus = 401;

    assertThatThrownBy(() -> run(SYNTHEA_10))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("--token");
  }

  @Test
  void import_missingPath_failsWithItsName() {
    assertThatThrownBy(() -> run(dir.resolve("nope.ndjson")))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("nope.ndjson does not exist");
  }

  private void writeObservationsReferencingMissingPatients() throws IOException {
    Files.writeString(
        dir.resolve("Patient.ndjson"), "{\"resourceType\":\"Patient\",\"id\":\"here\"}\n");
    Files.writeString(
        dir.resolve("Observation.ndjson"),
        """
				{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/nobody"}}
				{"resourceType":"Observation","id":"o2","subject":{"reference":"Patient/here"}}
				{"resourceType":"Observation","id":"o3","subject":{"reference":"Patient/nobody"}}
				""");
  }
}
