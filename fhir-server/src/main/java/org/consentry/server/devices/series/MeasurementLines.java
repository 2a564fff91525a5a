package org.consentry.server.devices.series;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a gateway's NDJSON batch, one measurement a line:
 *
 * <pre>
 * {"patient":"Patient/p1","device":"Device/d1","code":"8867-4","unit":"/min",
 *  "time":"2026-11-29T04:00:00Z","value":72,"period":1000}
 * </pre>
 *
 * {@code system} is optional (LOINC by default); {@code period} is the device's sampling period in
 * milliseconds (1000 by default; at least 100 and a whole number of them per hour). Every line is
 * checked before anything is stored; the first bad one is named in the error. Pure.
 */
public final class MeasurementLines {

  public static final String LOINC = "http://loinc.org";

  /** The most measurements one request may carry. */
  public static final int MAX_LINES = 200_000;

  private static final Set<String> FIELDS =
      Set.of("patient", "device", "system", "code", "unit", "time", "value", "period");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Pattern LOINC_CODE = Pattern.compile("[0-9]{1,8}-[0-9]");
  private static final Pattern CODE = Pattern.compile("[^\\s|]{1,64}");
  private static final Pattern SYSTEM = Pattern.compile("(https?|urn):[^\\s|]{1,250}");
  private static final Pattern UNIT = Pattern.compile("[!-~]{1,64}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A line that is not a measurement. */
  public static final class BadLine extends IllegalArgumentException {
    private final int line;

    BadLine(int line, String message) {
      super("line " + line + ": " + message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  private MeasurementLines() {}

  /**
   * The measurements of a batch, in the order sent.
   *
   * @throws BadLine naming the first line that is not a measurement
   * @throws IllegalArgumentException if the batch is empty or too large
   */
  public static List<Measurement> parse(byte[] body) {
    List<Measurement> measurements = new ArrayList<>();
    int line = 0;
    int from = 0;
    while (from < body.length) {
      int to = from;
      while (to < body.length && body[to] != '\n') {
        to++;
      }
      line++;
      String text = new String(body, from, to - from, StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        if (measurements.size() == MAX_LINES) {
          throw new IllegalArgumentException(
              "a batch holds at most " + MAX_LINES + " measurements: split it");
        }
        measurements.add(parse(line, text));
      }
      from = to + 1;
    }
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException(
          "the body holds no measurements: send NDJSON, one measurement a line");
    }
    return measurements;
  }

  static Measurement parse(int line, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadLine(line, "not a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new BadLine(line, "not a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadLine(line, "unknown field '" + printable(name) + "' (known: " + FIELDS + ")");
      }
    }
    String patient = reference(line, node, "patient", "Patient");
    String device = reference(line, node, "device", "Device");
    String system = node.has("system") ? text(line, node, "system") : LOINC;
    if (!SYSTEM.matcher(system).matches()) {
      throw new BadLine(line, "system must be a code system URI such as " + LOINC);
    }
    String code = text(line, node, "code");
    if (LOINC.equals(system)
        ? !LOINC_CODE.matcher(code).matches()
        : !CODE.matcher(code).matches()) {
      throw new BadLine(
          line,
          "code '"
              + printable(code)
              + "' is not a "
              + (LOINC.equals(system) ? "LOINC " : "")
              + "code");
    }
    String unit = text(line, node, "unit");
    if (!UNIT.matcher(unit).matches()) {
      throw new BadLine(line, "unit must be a UCUM unit such as /min or %");
    }
    long time;
    try {
      time = OffsetDateTime.parse(text(line, node, "time")).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new BadLine(
          line, "time must be an instant with its offset, such as 2026-11-29T04:00:00Z");
    }
    JsonNode value = node.get("value");
    if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw new BadLine(line, "value must be a number");
    }
    long period = 1000;
    if (node.has("period")) {
      JsonNode p = node.get("period");
      if (!p.canConvertToLong() || !p.isIntegralNumber() || !Window.validPeriod(p.asLong())) {
        throw new BadLine(
            line,
            "period must be the sampling period in milliseconds: at least "
                + Window.MIN_PERIOD_MS
                + ", and a whole number of them per hour");
      }
      period = p.asLong();
    }
    return new Measurement(
        line, patient, device, system, code, unit, time, period, value.asDouble());
  }

  private static String reference(int line, JsonNode node, String field, String type) {
    String value = text(line, node, field);
    String id = value.startsWith(type + "/") ? value.substring(type.length() + 1) : value;
    if (!ID.matcher(id).matches()) {
      throw new BadLine(line, field + " must be a reference such as " + type + "/123");
    }
    return id;
  }

  private static String text(int line, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new BadLine(line, field + " is missing or not a string");
    }
    return value.asText();
  }

  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) : text;
    return cut.replaceAll("[^A-Za-z0-9_./:-]", "?");
  }
}
