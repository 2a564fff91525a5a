package org.consentry.deid.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.deid.DeidMethod;
import org.consentry.deid.DeidProfileException;
import org.consentry.deid.DeidRule;

/**
 * Reads a profile in the JSON shape of FHIR-Tools-for-Anonymization ({@code fhirPathRules}, {@code
 * parameters}) plus Consentry's own parameters. Strict: an unknown key, an unsupported method
 * (encrypt, perturb, substitute), a generalize with {@code cases}, or a key inside the profile is
 * an error naming it, never silently ignored.
 */
public final class ProfileReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_LEVEL =
      Set.of(
          "name", "description", "fhirVersion", "processingErrors", "fhirPathRules", "parameters");
  private static final Set<String> KEYS = Set.of("dateShiftKey", "cryptoHashKey", "encryptKey");
  private static final Set<String> PARAMETERS =
      Set.of(
          "dateShiftScope",
          "enablePartialAgesForRedact",
          "enablePartialDatesForRedact",
          "enablePartialZipCodesForRedact",
          "restrictedZipCodeTabulationAreas",
          "dateShiftRange",
          "allowedExtensions");

  private ProfileReader() {}

  /**
   * @throws DeidProfileException if the profile is malformed or unsupported
   */
  public static CompiledProfile read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new DeidProfileException("profile is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new DeidProfileException("profile must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!TOP_LEVEL.contains(name)) {
        throw new DeidProfileException(
            "unknown profile key '"
                + name
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL))
                + ")");
      }
    }
    String version = root.path("fhirVersion").asText("R4");
    if (!version.isEmpty() && !version.equals("R4")) {
      throw new DeidProfileException("fhirVersion '" + version + "': only R4 is supported");
    }
    JsonNode rules = root.get("fhirPathRules");
    if (rules == null || !rules.isArray()) {
      throw new DeidProfileException("profile has no 'fhirPathRules' array");
    }
    List<DeidRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      parsed.add(rule(i, rules.get(i)));
    }
    return CompiledProfile.of(
        root.path("name").asText("custom"), parsed, settings(root.path("parameters")));
  }

  private static DeidRule rule(int index, JsonNode rule) {
    String where = "rule " + index;
    if (!rule.isObject() || !rule.path("path").isTextual() || !rule.path("method").isTextual()) {
      throw new DeidProfileException(
          where + ": a rule is {\"path\": \"...\", \"method\": \"...\"}");
    }
    String path = rule.get("path").asText();
    String method = rule.get("method").asText();
    where = where + " (path '" + path + "', method '" + method + "')";
    DeidMethod known =
        DeidMethod.fromJson(method)
            .orElseThrow(
                () ->
                    new DeidProfileException(
                        "unsupported method '"
                            + method
                            + "' in rule "
                            + index
                            + " (path '"
                            + path
                            + "'); supported: keep, redact, cryptoHash, dateShift, "
                            + "generalize"));
    for (Iterator<String> names = rule.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("path") && !name.equals("method")) {
        String hint =
            name.equals("cases") || name.equals("otherValues")
                ? ": generalize here is fixed (dates to year, ages to 90+, ZIP to ZIP3), "
                    + "it takes no FHIRPath cases"
                : "";
        throw new DeidProfileException(where + ": unsupported rule setting '" + name + "'" + hint);
      }
    }
    return new DeidRule(path, known, false);
  }

  private static Settings settings(JsonNode parameters) {
    if (parameters.isMissingNode() || parameters.isNull()) {
      return defaults();
    }
    if (!parameters.isObject()) {
      throw new DeidProfileException("'parameters' must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      if (KEYS.contains(name)) {
        if (!entry.getValue().asText("").isEmpty()) {
          throw new DeidProfileException(
              "parameter '"
                  + name
                  + "': keys are never read from a "
                  + "profile; the study key is given to the Deidentifier (remove the value)");
        }
      } else if (!PARAMETERS.contains(name)) {
        throw new DeidProfileException("unknown parameter '" + name + "'");
      }
    }
    int range = parameters.path("dateShiftRange").asInt(50);
    if (range < 1 || range > 3650) {
      throw new DeidProfileException("parameter 'dateShiftRange' must be 1..3650 days");
    }
    return new Settings(
        flag(parameters, "enablePartialDatesForRedact"),
        flag(parameters, "enablePartialAgesForRedact"),
        flag(parameters, "enablePartialZipCodesForRedact"),
        parameters.has("restrictedZipCodeTabulationAreas")
            ? strings(parameters, "restrictedZipCodeTabulationAreas")
            : Generalize.RESTRICTED_ZIP3,
        range,
        strings(parameters, "allowedExtensions"));
  }

  /** No partial redaction, the HHS restricted ZIP3 list, 50 days, no extension kept. */
  public static Settings defaults() {
    return new Settings(false, false, false, Generalize.RESTRICTED_ZIP3, 50, Set.of());
  }

  private static boolean flag(JsonNode parameters, String name) {
    JsonNode value = parameters.path(name);
    if (!value.isMissingNode() && !value.isBoolean()) {
      throw new DeidProfileException("parameter '" + name + "' must be true or false");
    }
    return value.asBoolean(false);
  }

  private static Set<String> strings(JsonNode parameters, String name) {
    JsonNode value = parameters.path(name);
    Set<String> out = new LinkedHashSet<>();
    if (value.isMissingNode()) {
      return out;
    }
    if (!value.isArray()) {
      throw new DeidProfileException("parameter '" + name + "' must be an array of strings");
    }
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new DeidProfileException("parameter '" + name + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }
}
