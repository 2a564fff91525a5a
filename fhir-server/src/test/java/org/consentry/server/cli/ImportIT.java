package org.consentry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;
import org.consentry.server.ServerIT;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The sample data loads completely into the real server, and loading it again adds nothing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImportIT extends ServerIT {

  private static final Path SYNTHEA = Path.of("../data/synthea-10");
  private static final Path BUNDLES = Path.of("../data/sample-bundles");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Per-type counts of data/synthea-10, as data/README.md states them. */
  private static final Map<String, Long> SYNTHEA_COUNTS =
      Map.ofEntries(
          Map.entry("Observation", 3227L),
          Map.entry("Procedure", 1191L),
          Map.entry("DiagnosticReport", 861L),
          Map.entry("Claim", 691L),
          Map.entry("ExplanationOfBenefit", 691L),
          Map.entry("Encounter", 445L),
          Map.entry("DocumentReference", 445L),
          Map.entry("Condition", 328L),
          Map.entry("SupplyDelivery", 295L),
          Map.entry("MedicationRequest", 246L),
          Map.entry("Immunization", 139L),
          Map.entry("Device", 50L),
          Map.entry("Medication", 58L),
          Map.entry("MedicationAdministration", 58L),
          Map.entry("Location", 41L),
          Map.entry("Organization", 40L),
          Map.entry("Practitioner", 40L),
          Map.entry("PractitionerRole", 40L),
          Map.entry("CarePlan", 37L),
          Map.entry("CareTeam", 37L),
          Map.entry("ImagingStudy", 31L),
          Map.entry("AllergyIntolerance", 11L),
          Map.entry("Patient", 10L),
          Map.entry("Provenance", 10L));

  @Test
  @Order(1)
  void synthea10_loadsEveryResource() {
    // the run's first import of the sample, made here or by an earlier IT that needed the data
    // (they share the one server and database): it loaded everything, once
    ImportResult result = syntheaImported();

    assertThat(result.failures()).isEmpty();
    assertThat(result.loadedByType()).isEqualTo(SYNTHEA_COUNTS);
    assertThat(result.loaded()).isEqualTo(9022);
    // no other test writes these types, so the server's counts are the import's
    assertThat(serverCount("Claim")).isEqualTo(691);
    assertThat(serverCount("Procedure")).isEqualTo(1191);
    assertThat(serverCount("Patient?_id=" + String.join(",", syntheaPatientIds()))).isEqualTo(10);
  }

  @Test
  @Order(2)
  void synthea10_secondRun_createsNoDuplicates() {
    ImportResult again = importer(ImportOptions.defaults()).run(List.of(SYNTHEA));

    assertThat(again.failures()).isEmpty();
    assertThat(serverCount("Claim")).isEqualTo(691);
    assertThat(serverCount("Procedure")).isEqualTo(1191);
    assertThat(serverCount("Provenance")).isEqualTo(10);
  }

  @Test
  @Order(3)
  void sampleBundles_loadAfterTheirReferenceData_andTwiceIsOnce() throws IOException {
    long immunizationsInBundles = entriesOfType(BUNDLES, "Immunization");

    ImportResult first = importer(ImportOptions.defaults()).run(List.of(BUNDLES));
    ImportResult second = importer(ImportOptions.defaults()).run(List.of(BUNDLES));

    assertThat(first.failures()).isEmpty();
    assertThat(second.failures()).isEmpty();
    // counts are entries the server accepted: the patient bundles repeat some Organizations and
    // Practitioners
    assertThat(first.loadedByType())
        .containsEntry("Patient", 5L)
        .containsKeys("Organization", "Practitioner");
    assertThat(serverCount("Immunization")).isEqualTo(139 + immunizationsInBundles);
  }

  @Test
  void malformedLine_isReportedWithFileAndLine_andTheRestLoads(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("Patient.ndjson");
    Files.writeString(
        file,
        """
				{"resourceType":"Patient","id":"import-it-good-1"}
				{"resourceType":"Patient","id":
				{"resourceType":"Patient","id":"import-it-good-2"}
				""");

    ImportResult result =
        importer(ImportOptions.defaults().withOnError(ImportOptions.OnError.SKIP))
            .run(List.of(file));

    assertThat(result.loaded()).isEqualTo(2);
    assertThat(result.failures())
        .singleElement()
        .asString()
        .contains("Patient.ndjson")
        .contains("2");
  }

  @Test
  void rejectedResource_isPinpointed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("Observation.ndjson");
    Files.writeString(
        file,
        """
				{"resourceType":"Observation","id":"import-it-obs-1","status":"final","code":{"text":"a"}}
				{"resourceType":"Observation","id":"import-it-obs-2","status":"final","code":{"text":"b"},"subject":{"reference":"Patient/import-it-missing"}}
				{"resourceType":"Observation","id":"import-it-obs-3","status":"final","code":{"text":"c"}}
				""");

    ImportResult result =
        importer(ImportOptions.defaults().withOnError(ImportOptions.OnError.SKIP))
            .run(List.of(file));

    assertThat(result.loaded()).isEqualTo(2);
    assertThat(result.failures())
        .singleElement()
        .asString()
        .contains("Observation.ndjson")
        .contains("2")
        .contains("import-it-missing");
  }

  private Importer importer(ImportOptions options) {
    return new Importer(URI.create(base()), options.withBearerToken(ehrToken()));
  }

  /** Counts by paging through every page, independently of the server's own totals. */
  private long serverCount(String query) {
    String url = "/" + query + (query.contains("?") ? "&" : "?") + "_elements=id&_count=500";
    long count = 0;
    try {
      while (url != null) {
        com.fasterxml.jackson.databind.JsonNode page = JSON.readTree(get(url).body());
        count += page.path("entry").size();
        url = null;
        for (com.fasterxml.jackson.databind.JsonNode link : page.path("link")) {
          if (link.path("relation").asText().equals("next")) {
            url = link.path("url").asText();
          }
        }
      }
      return count;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> syntheaPatientIds() {
    try (Stream<String> lines = Files.lines(SYNTHEA.resolve("Patient.ndjson"))) {
      return lines
          .map(
              l -> {
                try {
                  return JSON.readTree(l).get("id").asText();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long entriesOfType(Path folder, String type) throws IOException {
    long count = 0;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (JsonNode entry : JSON.readTree(f.toFile()).get("entry")) {
          if (type.equals(entry.path("resource").path("resourceType").asText())) {
            count++;
          }
        }
      }
    }
    return count;
  }
}
