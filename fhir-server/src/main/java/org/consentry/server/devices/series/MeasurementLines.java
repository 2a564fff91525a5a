package org.consentry.server.devices.series;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    Checked checked = new Checked();
    int line = 0;
    int from = 0;
    while (from < body.length) {
      int to = from;
      while (to < body.length && body[to] != '\n') {
        to++;
      }
      line++;
      if (!blank(body, from, to)) {
        if (measurements.size() == MAX_LINES) {
          throw new IllegalArgumentException(
              "a batch holds at most " + MAX_LINES + " measurements: split it");
        }
        measurements.add(parse(line, body, from, to - from, checked));
      }
      from = to + 1;
    }
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException(
          "the body holds no measurements: send NDJSON, one measurement a line");
    }
    return measurements;
  }

  /** Whether a line holds nothing but white space (as {@link String#strip} sees it). */
  private static boolean blank(byte[] body, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] < 0) {
        return new String(body, from, to - from, StandardCharsets.UTF_8).isBlank();
      }
      if (!Character.isWhitespace(body[i])) {
        return false;
      }
    }
    return true;
  }

  static Measurement parse(int line, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return parse(line, bytes, 0, bytes.length, new Checked());
  }

  private static Measurement parse(int line, byte[] body, int offset, int length, Checked checked) {
    Fields node = Fields.read(line, body, offset, length);
    for (String name : node.names()) {
      if (!FIELDS.contains(name)) {
        throw new BadLine(line, "unknown field '" + printable(name) + "' (known: " + FIELDS + ")");
      }
    }
    String patient =
        checked.patients.computeIfAbsent(
            text(line, node, "patient"), v -> reference(line, v, "patient", "Patient"));
    String device =
        checked.devices.computeIfAbsent(
            text(line, node, "device"), v -> reference(line, v, "device", "Device"));
    String system = node.has("system") ? text(line, node, "system") : LOINC;
    system = checked.systems.computeIfAbsent(system, v -> checkSystem(line, v));
    // the system has no '|' (checked): the code is what follows the first one
    String code =
        checked.codes.computeIfAbsent(
            system + "|" + text(line, node, "code"), v -> checkCode(line, v));
    String unit = checked.units.computeIfAbsent(text(line, node, "unit"), v -> checkUnit(line, v));
    long time;
    try {
      time = Instants.epochMilli(text(line, node, "time"));
    } catch (DateTimeParseException e) {
      throw new BadLine(
          line, "time must be an instant with its offset, such as 2026-11-29T04:00:00Z");
    }
    Fields.Value value = node.get("value");
    if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw new BadLine(line, "value must be a number");
    }
    long period = 1000;
    if (node.has("period")) {
      Fields.Value p = node.get("period");
      if (!p.isLong() || !Window.validPeriod(p.asLong())) {
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

  /**
   * What earlier lines of the batch already passed, each as the one String the batch's measurements
   * share (so that grouping them by window compares and hashes them once).
   */
  private static final class Checked {
    final Map<String, String> patients = new HashMap<>();
    final Map<String, String> devices = new HashMap<>();
    final Map<String, String> systems = new HashMap<>();
    final Map<String, String> codes = new HashMap<>();
    final Map<String, String> units = new HashMap<>();
  }

  private static String checkSystem(int line, String system) {
    if (!SYSTEM.matcher(system).matches()) {
      throw new BadLine(line, "system must be a code system URI such as " + LOINC);
    }
    return system;
  }

  /** The code of {@code system|code}, checked. */
  private static String checkCode(int line, String systemAndCode) {
    int bar = systemAndCode.indexOf('|');
    String system = systemAndCode.substring(0, bar);
    String code = systemAndCode.substring(bar + 1);
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
    return code;
  }

  private static String checkUnit(int line, String unit) {
    if (!UNIT.matcher(unit).matches()) {
      throw new BadLine(line, "unit must be a UCUM unit such as /min or %");
    }
    return unit;
  }

  private static String reference(int line, String value, String field, String type) {
    String id = value.startsWith(type + "/") ? value.substring(type.length() + 1) : value;
    if (!ID.matcher(id).matches()) {
      throw new BadLine(line, field + " must be a reference such as " + type + "/123");
    }
    return id;
  }

  private static String text(int line, Fields node, String field) {
    Fields.Value value = node.get(field);
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
