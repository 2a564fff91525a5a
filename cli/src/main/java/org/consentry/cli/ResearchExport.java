package org.consentry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.consentry.cli.imports.Outcomes;
import org.consentry.cli.imports.ResourceJson;
import org.consentry.cli.imports.ServerUnavailableException;

/**
 * One {@code consentry research export} run: the asynchronous kick-off of {@code
 * ResearchStudy/ID/$export}, polling its status URL until the manifest arrives, then downloading
 * every output file into the folder. Progress goes to stderr, the summary to stdout.
 */
final class ResearchExport {

  /** The manifest extension that carries the cohort and the reports. */
  static final String EXTENSION = "http://consentry.org/fhir/research-export";

  /** The export could not be done; the message is one line for the user. */
  static final class Failure extends RuntimeException {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  /**
   * What to export.
   *
   * @param study {@code ResearchStudy/ID}
   * @param types resource types to limit the export to; empty for all
   */
  record Request(
      URI server,
      String study,
      List<String> types,
      Path out,
      String user,
      Duration timeout,
      boolean overwrite) {}

  /** Waits between polls; tests pass one that does not sleep. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * How often to poll: {@code Retry-After} kept between {@code minPoll} and {@code maxPoll}.
   *
   * @param nanoTime the clock the timeout is measured on
   */
  record Pacing(Duration minPoll, Duration maxPoll, Sleeper sleeper, LongSupplier nanoTime) {
    static final Pacing REAL =
        new Pacing(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            d -> Thread.sleep(d.toMillis()),
            System::nanoTime);
  }

  private final Request request;
  private final Pacing pacing;
  private final ResearchHttp http;
  private final CliCommand.Context context;
  private final ResearchProgress progress;

  ResearchExport(
      Request request, Pacing pacing, Supplier<String> tokens, CliCommand.Context context) {
    this.request = request;
    this.pacing = pacing;
    this.context = context;
    this.http = new ResearchHttp(request.server().toString(), tokens, Duration.ofMinutes(1));
    this.progress = new ResearchProgress(context.err(), context.stderrIsTerminal());
  }

  /** Runs the export; returns the exit code, having said why on stderr if it is not 0. */
  int run() {
    try (ResearchFolder folder = ResearchFolder.open(request.out(), request.overwrite())) {
      URI status = kickOff();
      JsonNode manifest = await(status);
      Map<String, Long> counts = save(manifest, status, folder);
      progress.finish();
      ResearchSummary.print(context.out(), request, manifest, counts, folder.dir());
      return manifest.path("error").isEmpty() ? ConsentryCli.OK : ConsentryCli.FAILURES;
    } catch (Failure e) {
      return fail(e.exitCode, e.getMessage());
    } catch (ServerUnavailableException e) {
      return fail(
          ConsentryCli.CANNOT_RUN,
          e.getMessage()
              + "; start it with ./consentry up (or point --server / CONSENTRY_FHIR_URL at a"
              + " running one)");
    } catch (UncheckedIOException e) {
      return fail(
          ConsentryCli.CANNOT_RUN,
          "cannot write into " + request.out() + ": " + e.getCause().getMessage());
    }
  }

  private int fail(int code, String message) {
    progress.finish();
    context.err().println("consentry research export: " + message);
    return code;
  }

  /** Starts the job; returns the URL to poll. */
  private URI kickOff() {
    String query = request.types().isEmpty() ? "" : "?_type=" + String.join(",", request.types());
    URI uri = URI.create(request.server() + "/" + request.study() + "/$export" + query);
    ResearchHttp.Answer answer = http.get(uri, true);
    if (answer.status() != 202) {
      throw refused(answer, "");
    }
    String location = answer.header("Content-Location");
    if (location == null || location.isBlank()) {
      throw new Failure(
          ConsentryCli.CANNOT_RUN,
          "the server accepted the export but named no Content-Location to follow it at");
    }
    return uri.resolve(location.strip());
  }

  /** Polls until the job is done; returns its manifest. */
  private JsonNode await(URI status) {
    long start = pacing.nanoTime().getAsLong();
    long deadline = start + request.timeout().toNanos();
    String lastStatus = "accepted";
    while (true) {
      ResearchHttp.Answer answer = http.get(status, false);
      long now = pacing.nanoTime().getAsLong();
      switch (answer.status()) {
        case 200 -> {
          return manifest(answer.body());
        }
        case 202 -> {
          String text = answer.header("X-Progress");
          lastStatus = text == null || text.isBlank() ? "in progress" : text.strip();
          progress.status(lastStatus, Duration.ofNanos(now - start));
        }
        case 500 ->
            throw new Failure(
                ConsentryCli.FAILURES,
                "the export job failed: " + Outcomes.diagnostics(answer.body()));
        default -> throw refused(answer, "the job's status answered ");
      }
      if (now >= deadline) {
        throw new Failure(
            ConsentryCli.FAILURES,
            "the export job is still running after "
                + ResearchCommand.format(request.timeout())
                + " (last status: "
                + lastStatus
                + "); it goes on on the server: poll "
                + status
                + " with the researcher's token, or raise --timeout");
      }
      try {
        pacing.sleeper().sleep(min(pause(answer.header("Retry-After")), deadline - now));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure(ConsentryCli.CANNOT_RUN, "interrupted; the job goes on at " + status);
      }
    }
  }

  /** {@code Retry-After} seconds kept between the pacing's bounds. */
  private Duration pause(String retryAfter) {
    Duration wait = pacing.minPoll();
    if (retryAfter != null && retryAfter.strip().matches("\\d{1,6}")) {
      wait = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
    }
    return wait.compareTo(pacing.minPoll()) < 0
        ? pacing.minPoll()
        : wait.compareTo(pacing.maxPoll()) > 0 ? pacing.maxPoll() : wait;
  }

  private static Duration min(Duration wait, long nanos) {
    return wait.toNanos() <= nanos ? wait : Duration.ofNanos(nanos);
  }

  private static JsonNode manifest(String body) {
    try {
      JsonNode manifest = ResourceJson.parse(body);
      if (manifest.isObject() && manifest.path("output").isArray()) {
        return manifest;
      }
    } catch (ResourceJson.MalformedException e) {
      // falls through
    }
    throw new Failure(
        ConsentryCli.CANNOT_RUN,
        "the finished job answered something that is not a Bulk Data manifest: "
            + Outcomes.diagnostics(body));
  }

  /**
   * Downloads the outputs, one file per type (several of one type concatenated in manifest order),
   * writes the reports and the manifest; returns the resources (lines) per type.
   */
  private Map<String, Long> save(JsonNode manifest, URI status, ResearchFolder folder) {
    Map<String, List<URI>> urls = new LinkedHashMap<>();
    for (JsonNode output : manifest.path("output")) {
      String type = output.path("type").asText();
      String url = output.path("url").asText();
      if (!ResourceJson.TYPE.matcher(type).matches() || url.isBlank()) {
        throw new Failure(
            ConsentryCli.CANNOT_RUN, "the manifest lists an output without type or url: " + output);
      }
      urls.computeIfAbsent(type, t -> new ArrayList<>()).add(status.resolve(url.strip()));
    }
    boolean withToken = !manifest.path("requiresAccessToken").asText().equals("false");
    int files = urls.values().stream().mapToInt(List::size).sum();
    int done = 0;
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Map.Entry<String, List<URI>> type : urls.entrySet()) {
      ResearchFolder.Part part = folder.part(ResearchFolder.ndjson(type.getKey()));
      for (URI url : type.getValue()) {
        progress.status(
            "downloading " + type.getKey() + " (file " + ++done + " of " + files + ")", null);
        ResearchHttp.Answer answer = http.download(url, withToken, part::append);
        if (answer.status() != 200) {
          throw refused(answer, "downloading " + url + " answered ");
        }
      }
      counts.put(type.getKey(), part.lines());
    }
    JsonNode extension = manifest.path("extension").path(EXTENSION);
    text(folder, ResearchFolder.RISK_REPORT, extension.path("riskReportText"));
    text(
        folder,
        ResearchFolder.REPRESENTATIVENESS_REPORT,
        extension.path("representativenessReportText"));
    try {
      folder.text(
          ResearchFolder.MANIFEST,
          ResourceJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    folder.commit();
    return counts;
  }

  private static void text(ResearchFolder folder, String name, JsonNode text) {
    if (text.isTextual()) {
      folder.text(name, text.asText());
    }
  }

  /**
   * A refusal: a 4xx is the request's fault (exit 1), a 5xx or anything unexpected means the export
   * could not run (exit 2). A kick-off's refusal is the outcome's diagnostics alone.
   */
  private static Failure refused(ResearchHttp.Answer answer, String what) {
    int status = answer.status();
    int code = status >= 400 && status < 500 ? ConsentryCli.FAILURES : ConsentryCli.CANNOT_RUN;
    if (what.isEmpty() && status >= 400) {
      return new Failure(code, Outcomes.diagnostics(answer.body()));
    }
    return new Failure(
        code, (what.isEmpty() ? "the server answered " : what) + Outcomes.describe(answer.fhir()));
  }
}
