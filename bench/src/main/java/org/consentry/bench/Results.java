package org.consentry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one benchmark's figures to {@code <dir>/<yyyyMMdd-HHmmss>-<kind>.json} and appends a row
 * to {@code <dir>/summary.md}, the running history of results. The JSON holds: kind, label (what
 * was being compared, e.g. {@code consent-off}), time, server, the machine (cores, JDK) and the
 * figures.
 */
final class Results {

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;

  Results(Path dir) {
    this.dir = dir;
  }

  Path write(String kind, String label, URI server, Map<String, Object> figures) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("kind", kind);
    document.put("label", label);
    document.put("time", now.toString());
    document.put("server", server == null ? null : server.toString());
    document.put(
        "machine",
        Map.of(
            "cores", Runtime.getRuntime().availableProcessors(),
            "java", System.getProperty("java.version"),
            "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    document.putAll(figures);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(FILE_TIME.format(now) + "-" + kind + ".json");
      for (int n = 2; Files.exists(file); n++) {
        file = dir.resolve(FILE_TIME.format(now) + "-" + kind + "-" + n + ".json");
      }
      JSON.writeValue(file.toFile(), document);
      appendSummary(now, kind, label, String.valueOf(figures.get("summary")));
      return file;
    } catch (IOException e) {
      throw new BenchException("cannot write results to " + dir + ": " + e.getMessage());
    }
  }

  private void appendSummary(Instant when, String kind, String label, String summary)
      throws IOException {
    Path file = dir.resolve("summary.md");
    if (!Files.exists(file)) {
      Files.writeString(
          file,
          """
					# Benchmark results

					One row per run of `bench/run.sh` step (see `bench/README.md`); the full figures are in the JSON file of the same time and kind.

					| time (UTC) | kind | label | figures |
					|---|---|---|---|
					""",
          StandardCharsets.UTF_8);
    }
    String row =
        "| " + when + " | " + kind + " | " + label + " | " + summary.replace("|", "\\|") + " |\n";
    Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }
}
