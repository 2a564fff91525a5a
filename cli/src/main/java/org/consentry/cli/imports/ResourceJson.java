package org.consentry.cli.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads just enough of a FHIR JSON resource to load it: its type, its id and the types it
 * references. Decimals are kept exact so that a resource written back is the one that was read.
 */
public final class ResourceJson {

  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(
              com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private static final String OPERATION_OUTCOME = "OperationOutcome";

  public static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

  /** FHIR's id syntax: what may follow {@code Type/} in a URL. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private static final Pattern TYPED_REFERENCE =
      Pattern.compile(
          "(?:^|/)([A-Z][A-Za-z]{1,63})(?:/[A-Za-z0-9\\-.]{1,64}(?:/_history/[^/]+)?$|\\?)");

  /** A line that is not a loadable resource; the message says why in one line. */
  public static final class MalformedException extends Exception {
    final String type;

    MalformedException(String message, String type) {
      super(message, null, false, false);
      this.type = type;
    }
  }

  private ResourceJson() {}

  /**
   * Why a JSON document (a whole {@code .json} file, or an NDJSON file's first line) is not FHIR
   * data to load, or null when it may be: another server's Bulk Data export also holds its
   * manifest, logs and OperationOutcome error files.
   */
  public static String notData(JsonNode node) {
    if (!node.isObject()) {
      return "not FHIR: not a JSON object";
    }
    String type = node.path("resourceType").asText("");
    if (type.isEmpty()) {
      return node.has("transactionTime") && node.has("output")
          ? "a Bulk Data export manifest, not FHIR data"
          : "not FHIR: no \"resourceType\" (a log or a report, not resources)";
    }
    if (type.equals(OPERATION_OUTCOME)) {
      return "OperationOutcome: an error report of the server that exported the data, not data";
    }
    return null;
  }

  /** Parses one NDJSON line. */
  public static ResourceLine parseLine(Path file, int line, String text) throws MalformedException {
    JsonNode node = parse(text);
    if (!node.isObject()) {
      throw new MalformedException("not a JSON object", ImportTally.UNREADABLE);
    }
    String type = node.path("resourceType").asText("");
    if (!TYPE.matcher(type).matches()) {
      throw new MalformedException("no \"resourceType\"", ImportTally.UNREADABLE);
    }
    if (type.equals(OPERATION_OUTCOME)) {
      throw new MalformedException(
          "OperationOutcome: an error report of the server that exported the data, not data;"
              + " not imported",
          type);
    }
    JsonNode idNode = node.get("id");
    if (idNode == null || !idNode.isTextual() || idNode.asText().isEmpty()) {
      throw new MalformedException(
          type
              + " without \"id\": NDJSON resources need one, so that a re-run updates instead of duplicating",
          type);
    }
    String id = idNode.asText();
    if (!ID.matcher(id).matches()) {
      throw new MalformedException(type + " id \"" + id + "\" is not a valid FHIR id", type);
    }
    return new ResourceLine(file, line, type, id, text, referencedTypes(node), utf8Length(text));
  }

  public static JsonNode parse(String text) throws MalformedException {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where =
          at == null
              ? ""
              : at.getLineNr() > 1
                  ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
                  : " (column " + at.getColumnNr() + ")";
      throw new MalformedException(
          "not valid JSON: " + jacksonMessage(e) + where, ImportTally.UNREADABLE);
    }
  }

  /** Resource types named by the {@code reference} elements anywhere in {@code node}. */
  public static Set<String> referencedTypes(JsonNode node) {
    Set<String> types = new TreeSet<>();
    collect(node, types);
    return types;
  }

  /** The type a reference points to, or null for contained, urn: and unrecognised references. */
  public static String typeOf(String reference) {
    if (reference.startsWith("#") || reference.startsWith("urn:")) {
      return null;
    }
    Matcher m = TYPED_REFERENCE.matcher(reference);
    return m.find() ? m.group(1) : null;
  }

  private static void collect(JsonNode node, Set<String> types) {
    if (node.isObject()) {
      for (var fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equals("reference") && field.getValue().isTextual()) {
          String type = typeOf(field.getValue().asText());
          if (type != null) {
            types.add(type);
          }
        } else {
          collect(field.getValue(), types);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, types));
    }
  }

  public static int utf8Length(String text) {
    int ascii = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return text.getBytes(StandardCharsets.UTF_8).length;
      }
      ascii++;
    }
    return ascii;
  }

  /** Jackson's message without its note on where the enclosing value started. */
  private static String jacksonMessage(JsonProcessingException e) {
    return firstLine(e.getOriginalMessage())
        .replaceAll("\\s*\\(for \\w+ starting at \\[Source.*$", "");
  }

  public static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }
}
