package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's report to {@code <dir>/fuzz-<yyyyMMdd-HHmmss>.md} and {@code .json}: the seed and
 * settings, requests per status class by requester and by generator, status codes, and each finding
 * with its minimal reproducer as a curl line (bodies that do not fit on a line go to {@code
 * fuzz-<time>/<n>.body} next to it). Returns the Markdown and prints nothing.
 */
final class FuzzReport {

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final List<String> ENVIRONMENT =
      List.of("CONSENTRY_HOME", "CONSENTRY_PORT", "CONSENTRY_KEYCLOAK_PORT");

  /** How the run was made, for the header and for repeating it. */
  record Run(
      String label,
      long seed,
      long plannedSeconds,
      double seconds,
      double shrinkSeconds,
      int clients,
      URI server,
      List<Requester> requesters) {}

  private final Path dir;
  private final String stamp;
  private final Instant time;
  private int bodyFiles;

  FuzzReport(Path dir) {
    this.dir = dir;
    this.time = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    this.stamp = FILE_TIME.format(time);
  }

  Path markdownFile() {
    return dir.resolve("fuzz-" + stamp + ".md");
  }

  Path write(Run run, Tally tally, Findings findings) {
    List<Findings.Finding> all = new ArrayList<>(findings.all());
    all.sort(
        Comparator.comparing((Findings.Finding f) -> !f.status.startsWith("5"))
            .thenComparing(f -> -f.count));
    try {
      Files.createDirectories(dir);
      Map<String, Object> json = new LinkedHashMap<>();
      StringBuilder md = new StringBuilder();
      header(md, json, run, tally);
      md.append("\n## Requests by requester and status class\n\n");
      json.put("byRequester", table(md, tally.table("requester"), "requester"));
      md.append("\n## Requests by generator and status class\n\n");
      json.put("byGenerator", table(md, tally.table("kind"), "generator"));
      md.append("\n## Status codes\n\n").append(statusCodes(tally)).append('\n');
      json.put("statusCodes", tally.table("status").getOrDefault("all", Map.of()));
      md.append("\n## Findings (").append(all.size()).append(")\n");
      if (all.isEmpty()) {
        md.append("\nNone: no 5xx and no internal text in any answer.\n");
      }
      List<Map<String, Object>> list = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        list.add(finding(md, i + 1, all.get(i), run.server()));
      }
      json.put("findings", list);
      noAnswers(md, json, findings.noAnswers(), run.server());
      Path file = markdownFile();
      Files.writeString(file, md.toString());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(dir.resolve("fuzz-" + stamp + ".json").toFile(), json);
      return file;
    } catch (IOException e) {
      throw new FuzzException("cannot write the report to " + dir + ": " + e.getMessage());
    }
  }

  private void header(StringBuilder md, Map<String, Object> json, Run run, Tally tally) {
    md.append("# Fuzz run ").append(time).append("\n\n");
    if (!run.label().isEmpty()) {
      md.append("Fuzzed: ").append(run.label()).append(".\n\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "Seed %d, %d s planned, %.0f s fuzzing and %.0f s shrinking findings, %d clients,"
                + " server %s, requesters: %s.%n%n",
            run.seed(),
            run.plannedSeconds(),
            run.seconds(),
            run.shrinkSeconds(),
            run.clients(),
            run.server(),
            String.join(", ", run.requesters().stream().map(Requester::name).toList())));
    md.append(
        String.format(
            Locale.ROOT,
            "%,d requests generated (%.1f/s), %,d more re-sent while shrinking findings.%n%n",
            tally.total(),
            tally.total() / Math.max(1, run.seconds()),
            tally.replays()));
    if (tally.generatorErrors() > 0) {
      md.append("The generator itself failed ")
          .append(tally.generatorErrors())
          .append(" times (a bug of the fuzzer; the stack trace is in its output).\n\n");
    }
    md.append("Repeat with `bench/fuzz.sh --seconds ")
        .append(run.plannedSeconds())
        .append(" --seed ")
        .append(run.seed())
        .append(
            "`: each worker sends the same requests in the same order (what the server answers may differ).\n");
    md.append(
        "Run a reproducer from the repository root while that server is up, with:\n\n    export");
    for (String name : ENVIRONMENT) {
      String value = System.getenv(name);
      if (value != null) {
        md.append(' ').append(name).append('=').append(Curl.shellWord(value));
      }
    }
    run.requesters().stream()
        .map(Requester::shellFunction)
        .distinct()
        .forEach(f -> md.append("\n    ").append(f));
    md.append("\n\ncurl adds `Accept: */*` and a `User-Agent`, which the fuzzer did not send.\n");
    json.put("time", time.toString());
    json.put("label", run.label());
    json.put("seed", run.seed());
    json.put("plannedSeconds", run.plannedSeconds());
    json.put("seconds", Math.round(run.seconds()));
    json.put("shrinkSeconds", Math.round(run.shrinkSeconds()));
    json.put("clients", run.clients());
    json.put("server", run.server().toString());
    json.put("requesters", run.requesters().stream().map(Requester::name).toList());
    json.put("requests", tally.total());
    json.put("shrinkRequests", tally.replays());
    json.put("generatorErrors", tally.generatorErrors());
  }

  private static Map<String, Map<String, Long>> table(
      StringBuilder md, Map<String, Map<String, Long>> rows, String first) {
    md.append("| ")
        .append(first)
        .append(
            " | 2xx | 3xx | 4xx | 5xx | no answer | total |\n|---|---:|---:|---:|---:|---:|---:|\n");
    rows.forEach(
        (row, counts) -> {
          md.append("| ").append(row);
          long total = 0;
          for (String c : Tally.CLASSES) {
            long n = counts.getOrDefault(c, 0L);
            total += n;
            md.append(" | ").append(n);
          }
          md.append(" | ").append(total).append(" |\n");
        });
    return rows;
  }

  private static String statusCodes(Tally tally) {
    StringBuilder out = new StringBuilder();
    tally
        .table("status")
        .getOrDefault("all", Map.of())
        .forEach(
            (status, count) ->
                out.append(out.length() == 0 ? "" : ", ")
                    .append(status)
                    .append(": ")
                    .append(count));
    return out.toString();
  }

  private Map<String, Object> finding(StringBuilder md, int n, Findings.Finding f, URI server) {
    String curl = Curl.line(server, f.minimal, f.requester, this::bodyFile);
    md.append("\n### ")
        .append(n)
        .append(". ")
        .append(f.status)
        .append(": `")
        .append(f.message.replace("`", "'"))
        .append("`\n\n");
    md.append("- seen ")
        .append(f.count)
        .append(" times, as ")
        .append(String.join(", ", f.requesters))
        .append("; on ")
        .append(String.join(", ", f.shapes.stream().map(s -> "`" + s + "`").toList()))
        .append('\n');
    md.append("- why: ").append(String.join("; ", f.reasons).replace("`", "'")).append('\n');
    md.append("- reproducer: ")
        .append(
            f.reproduced
                ? "minimal (" + f.shrinkAttempts + " re-sends to shrink it)"
                : "as first sent: a re-send did not give the same answer (depends on state or load)")
        .append("\n\n");
    md.append("```sh\n").append(curl).append("\n```\n");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", f.status);
    json.put("message", f.message);
    json.put("signature", f.signature);
    json.put("reasons", f.reasons);
    json.put("count", f.count);
    json.put("requesters", List.copyOf(f.requesters));
    json.put("shapes", List.copyOf(f.shapes));
    json.put("reproduced", f.reproduced);
    json.put("curl", curl);
    return json;
  }

  private void noAnswers(
      StringBuilder md, Map<String, Object> json, List<Findings.NoAnswer> none, URI server) {
    md.append("\n## No answer (").append(none.size()).append(")\n\n");
    md.append(
        "Requests the server did not answer (timeout, connection reset): not findings by the oracles above, but worth a look.\n");
    List<Map<String, Object>> list = new ArrayList<>();
    for (Findings.NoAnswer n : none) {
      String curl = Curl.line(server, n.request(), n.requester(), this::bodyFile);
      md.append("\n- `")
          .append(n.shape())
          .append("`: ")
          .append(n.failure())
          .append("\n\n  ```sh\n  ")
          .append(curl)
          .append("\n  ```\n");
      list.add(Map.of("shape", n.shape(), "failure", n.failure(), "curl", curl));
    }
    json.put("noAnswer", list);
  }

  /** Writes a body that does not fit on a curl line; returns its path as curl should read it. */
  private String bodyFile(byte[] body) {
    Path folder = dir.resolve("fuzz-" + stamp);
    Path file = folder.resolve(++bodyFiles + ".body");
    try {
      Files.createDirectories(folder);
      Files.write(file, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toString();
  }
}
