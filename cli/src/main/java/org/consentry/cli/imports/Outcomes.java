package org.consentry.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Turns a server's error answer into one readable line. */
public final class Outcomes {

  private static final int MAX_LENGTH = 400;

  private Outcomes() {}

  /**
   * {@code HTTP 400: <diagnostics>} from an OperationOutcome body, or from whatever text came back.
   */
  public static String describe(FhirResponse response) {
    return "HTTP " + response.status() + ": " + diagnostics(response.body());
  }

  /**
   * The diagnostics of every error issue in an OperationOutcome, joined; otherwise the body's text.
   */
  public static String diagnostics(String body) {
    JsonNode node = tryParse(body);
    if (node != null && "OperationOutcome".equals(node.path("resourceType").asText())) {
      return diagnostics(node);
    }
    String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    return text.isEmpty() ? "(empty answer)" : shorten(text);
  }

  public static String diagnostics(JsonNode outcome) {
    List<String> parts = new ArrayList<>();
    for (JsonNode issue : outcome.path("issue")) {
      String severity = issue.path("severity").asText("error");
      if (!severity.equals("error") && !severity.equals("fatal")) {
        continue;
      }
      String text = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
      if (text.isEmpty()) {
        text = issue.path("code").asText("error");
      }
      parts.add(text);
    }
    return parts.isEmpty()
        ? "(no diagnostics)"
        : shorten(String.join("; ", parts).replaceAll("\\s+", " "));
  }

  private static JsonNode tryParse(String body) {
    try {
      return ResourceJson.parse(body);
    } catch (ResourceJson.MalformedException e) {
      return null;
    }
  }

  private static String shorten(String text) {
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...";
  }
}
