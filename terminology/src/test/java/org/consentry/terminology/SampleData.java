package org.consentry.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** The repository's sample data, read from the module directory (where Maven runs tests). */
public final class SampleData {

  public static final Path SYNTHEA_10 = Path.of("../data/synthea-10");
  public static final Path SAMPLE_BUNDLES = Path.of("../data/sample-bundles");

  private SampleData() {}

  /** Every line of every synthea-10 NDJSON file: one resource as JSON per element. */
  public static List<String> syntheaJson() {
    List<String> lines = new ArrayList<>();
    for (Path file : files(SYNTHEA_10, ".ndjson")) {
      try (Stream<String> stream = Files.lines(file)) {
        stream.filter(line -> !line.isBlank()).forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  /** The synthea-10 resources parsed with HAPI, in file order. */
  public static List<Resource> syntheaResources() {
    IParser parser = parser();
    return syntheaJson().stream().map(json -> (Resource) parser.parseResource(json)).toList();
  }

  /** The entry resources of the patient Bundles in sample-bundles. */
  public static List<Resource> sampleBundleEntries() {
    IParser parser = parser();
    List<Resource> resources = new ArrayList<>();
    for (Path file : files(SAMPLE_BUNDLES, ".json")) {
      try {
        Bundle bundle = parser.parseResource(Bundle.class, Files.readString(file));
        bundle.getEntry().forEach(entry -> resources.add(entry.getResource()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return resources;
  }

  public static List<Path> files(Path directory, String suffix) {
    try (Stream<Path> stream = Files.list(directory)) {
      return stream.filter(path -> path.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("sample data not found at " + directory.toAbsolutePath(), e);
    }
  }

  public static IParser parser() {
    return FhirContext.forR4Cached().newJsonParser();
  }
}
