package org.consentry.cli.imports;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which entry of a rejected transaction Bundle the server objected to. A transaction cannot
 * be split to find out (its entries reference each other by {@code urn:uuid}), and the server's
 * message names the problem but not the entry, so: first each resource is parsed here with HAPI's
 * parser, which fails on the same invalid values the server's does; then the identifiers in the
 * server's message are matched against what each entry references, then against each entry's own
 * {@code Type/id} or {@code fullUrl}.
 */
final class EntryLocator {

  /** A {@code Type/id}, a conditional {@code Type?query}, or a {@code urn:uuid:} in a message. */
  private static final Pattern NAMED =
      Pattern.compile(
          "urn:uuid:[0-9a-fA-F-]{36}|[A-Z][A-Za-z]+\\?[^\\s\"]+|[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}");

  private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d+");

  private EntryLocator() {}

  /**
   * A located entry: its index in {@code Bundle.entry} and a label such as {@code Observation/123}.
   */
  record Located(int index, String label) {}

  /** The entry to blame, or null when none can be singled out. */
  static Located locate(JsonNode bundle, String diagnostics) {
    JsonNode entries = bundle.path("entry");
    for (int i = 0; i < entries.size(); i++) {
      String reason = parseLocally(entries.get(i).path("resource"));
      if (reason != null && sameProblem(reason, diagnostics)) {
        return new Located(i, label(entries.get(i)));
      }
    }
    Set<String> named = named(diagnostics);
    for (int i = 0; i < entries.size(); i++) {
      Set<String> refs = new LinkedHashSet<>();
      collectReferences(entries.get(i).path("resource"), refs);
      refs.retainAll(named);
      if (!refs.isEmpty()) {
        return new Located(i, label(entries.get(i)));
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      if (named.contains(label(entry)) || named.contains(entry.path("fullUrl").asText("-"))) {
        return new Located(i, label(entry));
      }
    }
    return null;
  }

  /** {@code Type/id} of an entry's resource, or its request url when it has none. */
  static String label(JsonNode entry) {
    JsonNode resource = entry.path("resource");
    if (resource.has("resourceType")) {
      String type = resource.path("resourceType").asText();
      return resource.has("id") ? type + "/" + resource.path("id").asText() : type;
    }
    return entry.path("request").path("url").asText("(no resource)");
  }

  private static Set<String> named(String diagnostics) {
    Set<String> named = new LinkedHashSet<>();
    Matcher m = NAMED.matcher(diagnostics);
    while (m.find()) {
      named.add(m.group());
    }
    return named;
  }

  private static void collectReferences(JsonNode node, Set<String> refs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().equals("reference") && field.getValue().isTextual()) {
                  refs.add(field.getValue().asText());
                } else {
                  collectReferences(field.getValue(), refs);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectReferences(child, refs));
    }
  }

  /** Why HAPI cannot parse this resource, or null when it can (or there is none). */
  private static String parseLocally(JsonNode resource) {
    if (!resource.isObject()) {
      return null;
    }
    try {
      parser().parseResource(resource.toString());
      return null;
    } catch (DataFormatException e) {
      return ResourceJson.firstLine(e.getMessage());
    }
  }

  /** Whether the server's message is about the parse error found here (same HAPI code). */
  private static boolean sameProblem(String localReason, String diagnostics) {
    Matcher code = HAPI_CODE.matcher(localReason);
    String last = null;
    while (code.find()) {
      last = code.group();
    }
    return last != null ? diagnostics.contains(last) : diagnostics.contains("parse");
  }

  private static IParser parser() {
    LenientErrorHandler errors = new LenientErrorHandler(false);
    errors.setErrorOnInvalidValue(true);
    return FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(errors);
  }
}
