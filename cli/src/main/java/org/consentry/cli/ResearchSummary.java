package org.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code consentry research export} prints at the end: the study, the cohort, resources per
 * type, the folder, and the headline of each report.
 */
final class ResearchSummary {

  private static final int HEADLINE_LINES = 4;

  private ResearchSummary() {}

  static void print(
      PrintStream out,
      ResearchExport.Request request,
      JsonNode manifest,
      Map<String, Long> counts,
      Path dir) {
    JsonNode extension = manifest.path("extension").path(ResearchExport.EXTENSION);
    List<String> details = new ArrayList<>();
    if (extension.path("profile").isTextual()) {
      details.add("profile " + extension.path("profile").asText());
    }
    if (extension.path("k").isNumber()) {
      details.add("k = " + extension.path("k").asText());
    }
    out.printf(
        "Research export of %s%s%n",
        extension.path("study").asText(request.study()),
        details.isEmpty() ? "" : " (" + String.join(", ", details) + ")");
    List<String> cohort = new ArrayList<>();
    extension
        .path("cohort")
        .fields()
        .forEachRemaining(f -> cohort.add(count(f.getValue().asLong()) + " " + f.getKey()));
    if (!cohort.isEmpty()) {
      out.println("Cohort: " + String.join(", ", cohort));
    }
    int width =
        Math.max(
            "Resource type".length(),
            counts.keySet().stream().mapToInt(String::length).max().orElse(0));
    String row = "%-" + width + "s  %9s%n";
    out.printf(Locale.ROOT, row, "Resource type", "resources");
    counts.forEach((type, n) -> out.printf(Locale.ROOT, row, type, count(n)));
    out.printf(
        Locale.ROOT,
        row,
        "Total",
        count(counts.values().stream().mapToLong(Long::longValue).sum()));
    out.println("Saved to " + dir.toAbsolutePath().normalize());
    report(out, "Risk", ResearchFolder.RISK_REPORT, extension.path("riskReportText"));
    report(
        out,
        "Representativeness",
        ResearchFolder.REPRESENTATIVENESS_REPORT,
        extension.path("representativenessReportText"));
    int errors = manifest.path("error").size();
    if (errors > 0) {
      out.printf(
          "The server reported %d error file(s), listed in %s and not downloaded.%n",
          errors, ResearchFolder.MANIFEST);
    }
  }

  private static void report(PrintStream out, String title, String file, JsonNode text) {
    if (!text.isTextual()) {
      out.println(title + ": the server sent no report");
      return;
    }
    out.println(title + " (" + file + "):");
    for (String line : headline(text.asText())) {
      out.println("  " + line);
    }
  }

  /** The report's first paragraph, at most a few lines. */
  static List<String> headline(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.strip().split("\\R")) {
      if (line.isBlank() || lines.size() == HEADLINE_LINES) {
        break;
      }
      lines.add(line.stripTrailing());
    }
    return lines;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
