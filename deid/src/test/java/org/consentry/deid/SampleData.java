package org.consentry.deid;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/** The repository's sample data, read from the module directory (where Maven runs tests). */
final class SampleData {

  static final Path SYNTHEA_10 = Path.of("../data/synthea-10");
  static final Path SAMPLE_BUNDLES = Path.of("../data/sample-bundles");

  private static final Pattern PATIENT_REFERENCE =
      Pattern.compile("\"reference\":\"Patient/([A-Za-z0-9\\-.]+)\"");
  private static final Pattern OWN_ID =
      Pattern.compile("^\\{\"resourceType\":\"Patient\",\"id\":\"([^\"]+)\"");

  /** One resource as read: its JSON line and the patient it belongs to (null if none). */
  record Line(String json, String patientId) {}

  private SampleData() {}

  /** Every resource of synthea-10, in file order, with its patient. */
  static List<Line> synthea() {
    List<Line> lines = new ArrayList<>();
    for (Path file : files(SYNTHEA_10, ".ndjson")) {
      try (Stream<String> stream = Files.lines(file)) {
        stream
            .filter(line -> !line.isBlank())
            .forEach(line -> lines.add(new Line(line, patientOf(line))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  /**
   * The patient of a synthea resource: its own id for a Patient, else the first Patient reference.
   */
  static String patientOf(String json) {
    Matcher own = OWN_ID.matcher(json);
    if (own.find()) {
      return own.group(1);
    }
    Matcher reference = PATIENT_REFERENCE.matcher(json);
    return reference.find() ? reference.group(1) : null;
  }

  /** The sample Bundles, as files' text. */
  static List<String> bundleJson() {
    List<String> bundles = new ArrayList<>();
    for (Path file : files(SAMPLE_BUNDLES, ".json")) {
      try {
        bundles.add(Files.readString(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bundles;
  }

  /** Every Identifier in the resource, nested ones included. */
  static List<Identifier> identifiers(Resource resource) {
    return FhirContext.forR4Cached()
        .newTerser()
        .getAllPopulatedChildElementsOfType(resource, Identifier.class);
  }

  static Resource parse(String json) {
    return (Resource) parser().parseResource(json);
  }

  static Bundle parseBundle(String json) {
    return parser().parseResource(Bundle.class, json);
  }

  static String encode(Resource resource) {
    return parser().encodeResourceToString(resource);
  }

  static List<Path> files(Path directory, String suffix) {
    try (Stream<Path> stream = Files.list(directory)) {
      return stream.filter(path -> path.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("sample data not found at " + directory.toAbsolutePath(), e);
    }
  }

  static IParser parser() {
    return FhirContext.forR4Cached().newJsonParser();
  }
}
