package org.consentry.deid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Safe Harbor scanner. Reads the identifying values of the input from its raw JSON
 * (independently of the module and of HAPI): names, address lines, cities, ZIP codes, telecom
 * values, identifier values, resource ids, device serials and lot numbers, UDI strings, photo and
 * attachment URLs. Then looks for them in the output, and for patterns that must not remain in Safe
 * Harbor output: full dates, phone numbers, e-mail addresses, SSNs, 4-or-more-digit ZIP codes, IPv4
 * addresses.
 */
final class Identifying {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ALWAYS =
      Set.of(
          "given",
          "family",
          "line",
          "city",
          "district",
          "postalCode",
          "serialNumber",
          "lotNumber",
          "distinctIdentifier",
          "udiCarrier",
          "fullUrl");
  private static final Set<String> VALUE_OF = Set.of("telecom", "identifier");
  private static final Set<String> URL_OF = Set.of("photo", "attachment", "presentedForm");
  private static final Map<String, Pattern> PATTERNS =
      new TreeMap<>(
          Map.of(
              "full date", Pattern.compile("(?<![0-9A-Za-z])\\d{4}-\\d{2}-\\d{2}"),
              "phone",
                  Pattern.compile(
                      "(?<![0-9A-Za-z-])\\(?\\d{3}\\)?[-. ]\\d{3}-\\d{4}(?![0-9A-Za-z-])"),
              // the look-behind starts a match only where a run of address characters starts:
              // the same matches, without retrying every position of a long run (base64 data)
              "e-mail",
                  Pattern.compile(
                      "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z.]{2,}"),
              "SSN", Pattern.compile("(?<![0-9A-Za-z-])\\d{3}-\\d{2}-\\d{4}(?![0-9A-Za-z-])"),
              "ZIP beyond 3 digits", Pattern.compile("\"postalCode\":\"[^\"]{4,}\""),
              "IPv4",
                  Pattern.compile(
                      "(?<![0-9.])\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(?![0-9.])")));

  private Identifying() {}

  /** Adds the identifying values of one resource or Bundle (as JSON) to {@code into}. */
  static void collect(String json, Set<String> into) {
    try {
      walk(JSON.readTree(json), null, into);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void walk(JsonNode node, String key, Set<String> into) {
    if (node.isObject()) {
      boolean topLevel = key == null || key.equals("resource"); // not a contained resource
      if (topLevel && node.has("resourceType") && node.path("id").isTextual()) {
        add(node.get("id").asText(), into);
      }
      if (key != null && VALUE_OF.contains(key) && node.path("value").isTextual()) {
        add(node.get("value").asText(), into);
      }
      if (key != null && URL_OF.contains(key) && node.path("url").isTextual()) {
        add(node.get("url").asText(), into);
      }
      if ("http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName"
          .equals(node.path("url").asText())) {
        for (String token : node.path("valueString").asText().split(" ")) {
          add(token, into);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        walk(field.getValue(), field.getKey(), into);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        walk(item, key, into);
      }
    } else if (node.isTextual() && key != null && ALWAYS.contains(key)) {
      String text = node.asText();
      add(key.equals("fullUrl") && text.startsWith("urn:uuid:") ? text.substring(9) : text, into);
    }
  }

  private static void add(String value, Set<String> into) {
    String text = value.strip();
    // shorter values ("MA", "1") say nothing on their own; four digits read as a year, which
    // Safe Harbor keeps (a device serial "2043" is indistinguishable from the year 2043)
    if (text.length() >= 4 && !text.matches("\\d{4}")) {
      into.add(text);
    }
  }

  /** Every finding in one output text: "kind: match", empty if clean. */
  static List<String> scan(String output, Needles originals) {
    List<String> findings = new ArrayList<>();
    for (String found : originals.find(output)) {
      findings.add("original value: " + found);
    }
    for (Map.Entry<String, Pattern> pattern : PATTERNS.entrySet()) {
      Matcher matcher = pattern.getValue().matcher(output);
      while (matcher.find()) {
        findings.add(pattern.getKey() + ": " + matcher.group());
      }
    }
    return findings;
  }
}
