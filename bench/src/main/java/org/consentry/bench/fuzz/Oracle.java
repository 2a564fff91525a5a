package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether an answer is a finding: any 5xx (also inside a batch or transaction response),
 * and any body that shows internal text: Java class and exception names, stack frames, SQL and
 * PostgreSQL, Hibernate or JDBC text, HAPI's table names. HAPI's own message codes ({@code
 * HAPI-1234:}) are not internal text. Text the request itself sent (an id, a search value) and the
 * server echoes is not a leak.
 */
final class Oracle {

  /**
   * Why an answer is a finding; {@code signature} (status and normalized message) identifies it
   * across requests.
   */
  record Verdict(String signature, String status, String message, List<String> reasons) {}

  static final Map<String, Pattern> INTERNAL_TEXT = new LinkedHashMap<>();

  static {
    INTERNAL_TEXT.put(
        "Java class name",
        Pattern.compile(
            "(?<![\\w./:#@-])(?:java|javax|jakarta|org|com|ca\\.uhn|sun|io|net|ch|liquibase)\\.(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*"));
    INTERNAL_TEXT.put(
        "exception name", Pattern.compile("\\b[A-Z][A-Za-z0-9]*[a-z0-9](?:Exception|Error)\\b"));
    INTERNAL_TEXT.put(
        "stack trace",
        Pattern.compile(
            "\\bat\\s+[\\w$.<>]+\\((?:[\\w$]+\\.java:\\d+|Native Method|Unknown Source)\\)|\\bCaused by:|\\.\\.\\. \\d+ more\\b"));
    INTERNAL_TEXT.put(
        "SQL",
        Pattern.compile(
            "(?i)\\b(?:PSQLException|SQLException|SQL ?State|SQL Error|SQLGrammar|jdbc|hibernate"
                + "|HHH\\d{5,6}|could not (?:execute|extract|prepare) (?:statement|query|batch|ResultSet)|syntax error at or near"
                + "|violates (?:unique|foreign key|not-null|check) constraint|duplicate key value|unnamed portal parameter"
                + "|invalid byte sequence for encoding|value too long for type|relation \"[^\"]+\" does not exist"
                + "|column \"[^\"]+\" does not exist|PostgreSQL|postgres)\\b"));
    INTERNAL_TEXT.put(
        "PostgreSQL message prefix",
        Pattern.compile("\\b(?:ERROR|FATAL|PANIC|DETAIL|HINT):\\s|\\n\\s*Where:\\s"));
    INTERNAL_TEXT.put(
        "HAPI table name", Pattern.compile("(?i)\\b(?:HFJ|TRM|BT2|NPM|MPI)_[A-Z_]{3,}\\b"));
    INTERNAL_TEXT.put(
        "JVM message",
        Pattern.compile(
            "Cannot invoke \"|because \"[^\"]+\" is null|Cannot read field \""
                + "|Index -?\\d+ out of bounds for length|begin -?\\d+, end -?\\d+, length \\d+|cannot be cast to class"
                + "|\\b[A-Z]\\w+@[0-9a-f]{6,8}\\b|lambda\\$|\\$\\$SpringCGLIB\\$\\$|\\$Proxy\\d+|`[A-Z]\\w+\\.[a-z]\\w*\\(\\)`"));
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENTRY_5XX = Pattern.compile("\"status\"\\s*:\\s*\"(5\\d\\d)");
  private static final int SCAN_LIMIT = 256 * 1024;
  private static final Pattern XML_DIAGNOSTICS = Pattern.compile("<diagnostics value=\"([^\"]*)\"");
  private static final Pattern TURTLE_DIAGNOSTICS =
      Pattern.compile("issue\\.diagnostics\\s*\\[\\s*fhir:value\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A verdict, or null when the answer is fine (any status below 500 without internal text). */
  Verdict judge(FuzzRequest request, Response response) {
    if (!response.answered()) {
      return null;
    }
    String text = response.text();
    String scanned = text.length() > SCAN_LIMIT ? text.substring(0, SCAN_LIMIT) : text;
    List<String> reasons = new ArrayList<>();
    String status = String.valueOf(response.status());
    String message = message(response);
    if (response.status() >= 500) {
      reasons.add("status " + response.status());
    } else if (text.contains("-response\"")) {
      Matcher entry = ENTRY_5XX.matcher(scanned);
      if (entry.find()) {
        status = response.status() + " (entry " + entry.group(1) + ")";
        reasons.add("a batch/transaction entry answered " + entry.group(1));
      }
    }
    String sent = request.sentText().toLowerCase(Locale.ROOT);
    String readable = scanned + "\n" + message; // the message has JSON's escapes undone: \" is "
    for (Map.Entry<String, Pattern> pattern : INTERNAL_TEXT.entrySet()) {
      Matcher m = pattern.getValue().matcher(readable);
      while (m.find()) {
        if (!sent.contains(m.group().toLowerCase(Locale.ROOT))) {
          reasons.add(pattern.getKey() + ": " + abbreviate(m.group(), 80));
          break;
        }
      }
    }
    if (reasons.isEmpty()) {
      return null;
    }
    return new Verdict(status + " " + normalize(message), status, message, List.copyOf(reasons));
  }

  /**
   * The diagnostics of an OperationOutcome (JSON, XML or Turtle), else the error of a Spring error
   * body, else the text of the body without markup; at most 400 characters.
   */
  static String message(Response response) {
    String text = response.text();
    StringBuilder found = new StringBuilder();
    if (text.startsWith("{") && text.length() < SCAN_LIMIT) {
      try {
        JsonNode root = JSON.readTree(text);
        root.findValues("diagnostics")
            .forEach(d -> found.append(found.length() == 0 ? "" : " | ").append(d.asText()));
        if (found.length() == 0 && root.has("error")) {
          found
              .append(root.path("error").asText())
              .append(root.has("message") ? ": " + root.path("message").asText() : "");
        }
      } catch (IOException e) {
        // not JSON after all: use the text
      }
    }
    for (Pattern markup : List.of(XML_DIAGNOSTICS, TURTLE_DIAGNOSTICS)) {
      Matcher m = markup.matcher(text);
      while (m.find() && (found.length() == 0 || markup == XML_DIAGNOSTICS)) {
        found
            .append(found.length() == 0 ? "" : " | ")
            .append(unescapeXml(m.group(1)).replace("\\\"", "\""));
      }
    }
    String message =
        found.length() > 0
            ? found.toString()
            : text.replaceAll("(?is)<(style|script)[^>]*>.*?</\\1>", " ")
                .replaceAll("<[^>]*>", " ");
    return abbreviate(message.replaceAll("\\s+", " ").trim(), 400);
  }

  private static String unescapeXml(String text) {
    return text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /**
   * The message with what varies between requests (values, ids, numbers) replaced, so one bug
   * counts once.
   */
  static String normalize(String message) {
    String m =
        message.replaceAll(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            "<uuid>");
    m = m.replaceAll("\"[^\"]{0,300}\"", "<v>").replaceAll("'[^']{0,300}'", "<v>");
    m = m.replaceAll("\\b0x[0-9a-fA-F]+\\b", "0x<hex>");
    m = m.replaceAll("(?<!HAPI-)\\b\\d+", "#");
    m = m.replaceAll("\\b[0-9a-f]{12,}\\b", "<hex>");
    return abbreviate(m, 160);
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }
}
