package org.consentry.terminology.internal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The terminology resources shipped in this jar. The list is {@code bundled-resources.txt} next to
 * them (a jar cannot be listed reliably); each file is one FHIR R4 JSON resource, parsed strictly
 * so that a typo in bundled content fails the build rather than being skipped.
 */
public final class BundledResources {

  private static final String BASE = "/org/consentry/terminology/";
  private static final String INDEX = BASE + "bundled-resources.txt";

  private final List<CodeSystem> codeSystems;
  private final List<ValueSet> valueSets;
  private final List<ConceptMap> conceptMaps;

  private BundledResources(
      List<CodeSystem> codeSystems, List<ValueSet> valueSets, List<ConceptMap> conceptMaps) {
    this.codeSystems = List.copyOf(codeSystems);
    this.valueSets = List.copyOf(valueSets);
    this.conceptMaps = List.copyOf(conceptMaps);
  }

  /**
   * @throws IllegalStateException if a listed file is missing or is not a valid resource
   */
  public static BundledResources load() {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    parser.setParserErrorHandler(new StrictErrorHandler());
    List<CodeSystem> codeSystems = new ArrayList<>();
    List<ValueSet> valueSets = new ArrayList<>();
    List<ConceptMap> conceptMaps = new ArrayList<>();
    for (String path : index()) {
      IBaseResource resource = parse(parser, path);
      if (resource instanceof CodeSystem codeSystem) {
        codeSystems.add(codeSystem);
      } else if (resource instanceof ValueSet valueSet) {
        valueSets.add(valueSet);
      } else if (resource instanceof ConceptMap conceptMap) {
        conceptMaps.add(conceptMap);
      } else {
        throw new IllegalStateException(
            path
                + " is a "
                + resource.getClass().getSimpleName()
                + "; only CodeSystem, ValueSet and ConceptMap are bundled");
      }
    }
    return new BundledResources(codeSystems, valueSets, conceptMaps);
  }

  /** The parsed originals: shared, callers must copy before changing them. */
  public List<CodeSystem> codeSystems() {
    return codeSystems;
  }

  public List<ValueSet> valueSets() {
    return valueSets;
  }

  public List<ConceptMap> conceptMaps() {
    return conceptMaps;
  }

  private static List<String> index() {
    List<String> paths = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(open(INDEX), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String path = line.strip();
        if (!path.isEmpty() && !path.startsWith("#")) {
          paths.add(path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + INDEX, e);
    }
    return paths;
  }

  private static IBaseResource parse(IParser parser, String path) {
    try (InputStream in = open(BASE + path)) {
      return parser.parseResource(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled resource " + path, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "bundled resource " + path + " is invalid: " + e.getMessage(), e);
    }
  }

  private static InputStream open(String resource) {
    InputStream in = BundledResources.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing bundled resource " + resource);
    }
    return in;
  }
}
