package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;
import org.consentry.server.ServerIT;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The preview of the largest patient of data/synthea-10 (about 1,700 resources) counts every
 * resource of theirs, as the server's own compartment rules find them in the files, and how long it
 * takes. It imports the sample data, so it runs only when asked: {@code
 * -Dconsentry.it.synthea=true}.
 */
@EnabledIfSystemProperty(named = "consentry.it.synthea", matches = "true")
class RecordPreviewSyntheaIT extends ServerIT {

  private static final Path SYNTHEA = Path.of("../data/synthea-10");

  @Test
  void largestSyntheaPatient_everyResourceCounted_andTimed() {
    ImportResult imported =
        new Importer(URI.create(base()), ImportOptions.defaults().withBearerToken(ehrToken()))
            .run(List.of(SYNTHEA));
    assertThat(imported.failures()).isEmpty();

    Map<String, Map<String, Integer>> byPatient = recordsInFiles();
    String largest =
        byPatient.entrySet().stream()
            .max((a, b) -> Integer.compare(total(a.getValue()), total(b.getValue())))
            .orElseThrow()
            .getKey();
    Map<String, Integer> expected = byPatient.get(largest);

    String query = "/$consent-decision?patient=Patient/" + largest + "&actor=Organization/any";
    for (int run = 1; run <= 3; run++) {
      long start = System.nanoTime();
      HttpResponse<String> response = get(query);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      Parameters out = FHIR.newJsonParser().parseResource(Parameters.class, response.body());
      Map<String, Integer> counted = new TreeMap<>();
      for (ParametersParameterComponent type : out.getParameter()) {
        if (type.getName().equals("type")) {
          counted.put(
              type.getPart().get(0).getValue().primitiveValue(),
              ((IntegerType) type.getPart().get(1).getValue()).getValue()
                  + ((IntegerType) type.getPart().get(2).getValue()).getValue());
        }
      }
      assertThat(counted).isEqualTo(expected);
      System.out.printf(
          "RecordPreviewSyntheaIT: Patient/%s, %d resources, run %d: %d ms%n",
          largest, total(counted), run, millis);
    }
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Per patient, per type: the resources of the files that belong to them. */
  private static Map<String, Map<String, Integer>> recordsInFiles() {
    PatientCompartment compartment = new PatientCompartment(FHIR);
    Map<String, Map<String, Integer>> byPatient = new TreeMap<>();
    try (Stream<Path> files = Files.list(SYNTHEA)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".ndjson")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.isBlank()) {
            continue;
          }
          IBaseResource resource = FHIR.newJsonParser().parseResource(line);
          for (String owner : compartment.owners(resource)) {
            byPatient
                .computeIfAbsent(owner, o -> new TreeMap<>())
                .merge(FHIR.getResourceType(resource), 1, Integer::sum);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byPatient;
  }
}
