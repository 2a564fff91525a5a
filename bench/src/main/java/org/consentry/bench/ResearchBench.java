package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end research export of one study, as its researcher, in rounds: {@code GET
 * ResearchStudy/ID/$export} with {@code Prefer: respond-async}, the status URL polled every {@code
 * poll} until the manifest arrives, then every output file downloaded (one at a time, as NDJSON,
 * counted line by line and not kept). Each round is a new export job on the server. A launcher's
 * token is fetched afresh before each round, outside the timing.
 */
final class ResearchBench {

  /** The manifest extension that carries the cohort figures and the reports. */
  static final String EXTENSION = "http://consentry.org/fhir/research-export";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Resources (non-empty lines) and bytes of one downloaded NDJSON file. */
  record Count(long lines, long bytes) {}

  /**
   * What to run.
   *
   * @param study the bare id of the ResearchStudy
   * @param poll the pause between status requests (the job's time is known to within it)
   * @param timeout how long one export may take before the run fails
   */
  record Plan(String study, int rounds, int warmupRounds, Duration poll, Duration timeout) {}

  private final URI base;
  private final TokenSource token;
  private final String study;
  private final int rounds;
  private final int warmupRounds;
  private final Duration poll;
  private final Duration timeout;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  ResearchBench(URI base, TokenSource token, Plan plan) {
    this.base = base;
    this.token = token;
    this.study = plan.study();
    this.rounds = plan.rounds();
    this.warmupRounds = plan.warmupRounds();
    this.poll = plan.poll();
    this.timeout = plan.timeout();
  }

  Map<String, Object> run() {
    System.out.printf(
        "research: ResearchStudy/%s as %s, %d rounds after %d warm-up, polling every %d ms%n",
        study, token.describe(), rounds, warmupRounds, poll.toMillis());
    List<ResearchFigures.Round> done = new ArrayList<>();
    for (int n = 1; n <= warmupRounds + rounds; n++) {
      ResearchFigures.Round round = round(n, n <= warmupRounds);
      System.out.println(round.line());
      done.add(round);
    }
    Map<String, Object> figures =
        ResearchFigures.of("ResearchStudy/" + study, poll.toMillis(), done);
    System.out.println("research: " + figures.get("summary"));
    return figures;
  }

  ResearchFigures.Round round(int number, boolean warmup) {
    token.renew();
    URI kickOff = URI.create(base + "/ResearchStudy/" + study + "/$export");
    long start = System.nanoTime();
    HttpResponse<String> accepted = send(kickOff, "application/fhir+json", true, true);
    long kicked = System.nanoTime();
    if (accepted.statusCode() != 202) {
      throw new BenchException(
          "the kick-off GET "
              + kickOff
              + " answered "
              + accepted.statusCode()
              + ": "
              + new FhirClient.Answer(accepted.statusCode(), accepted.body()).diagnostics());
    }
    URI status =
        kickOff.resolve(
            accepted
                .headers()
                .firstValue("Content-Location")
                .orElseThrow(() -> new BenchException("the kick-off named no Content-Location"))
                .strip());
    long deadline = start + timeout.toNanos();
    int polls = 0;
    JsonNode manifest;
    while (true) {
      HttpResponse<String> answer = send(status, "application/fhir+json", false, true);
      polls++;
      if (answer.statusCode() == 200) {
        manifest = json(answer.body());
        break;
      }
      if (answer.statusCode() != 202) {
        throw new BenchException(
            "the export's status "
                + status
                + " answered "
                + answer.statusCode()
                + ": "
                + new FhirClient.Answer(answer.statusCode(), answer.body()).diagnostics());
      }
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            "the export is still running after " + timeout.toSeconds() + " s (" + status + ")");
      }
      sleep(poll);
    }
    long completed = System.nanoTime();

    boolean withToken = !manifest.path("requiresAccessToken").asText().equals("false");
    Map<String, Long> byType = new LinkedHashMap<>();
    long bytes = 0;
    int files = 0;
    for (JsonNode output : manifest.path("output")) {
      URI url = status.resolve(output.path("url").asText().strip());
      Count count = download(url, withToken);
      byType.merge(output.path("type").asText("?"), count.lines(), Long::sum);
      bytes += count.bytes();
      files++;
    }
    long end = System.nanoTime();
    JsonNode cohort = manifest.path("extension").path(EXTENSION).path("cohort");
    return new ResearchFigures.Round(
        number,
        warmup,
        (kicked - start) / 1e9,
        (completed - start) / 1e9,
        (end - completed) / 1e9,
        (end - start) / 1e9,
        polls,
        files,
        bytes,
        byType,
        cohort.isObject() ? cohort : JSON.createObjectNode(),
        manifest.path("error").size());
  }

  private Count download(URI url, boolean withToken) {
    HttpRequest request = request(url, "application/fhir+ndjson", false, withToken);
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
          throw new BenchException(
              "downloading "
                  + url
                  + " answered "
                  + response.statusCode()
                  + ": "
                  + new FhirClient.Answer(response.statusCode(), text).diagnostics());
        }
        return count(body);
      }
    } catch (IOException e) {
      throw new BenchException("downloading " + url + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }

  /** Counts the non-empty lines (NDJSON resources) and the bytes of a stream, reading it all. */
  static Count count(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long lines = 0;
    long bytes = 0;
    boolean content = false;
    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
      bytes += read;
      for (int i = 0; i < read; i++) {
        byte b = buffer[i];
        if (b == '\n') {
          lines += content ? 1 : 0;
          content = false;
        } else if (b != '\r' && b != ' ' && b != '\t') {
          content = true;
        }
      }
    }
    return new Count(lines + (content ? 1 : 0), bytes);
  }

  private HttpResponse<String> send(URI uri, String accept, boolean respondAsync, boolean auth) {
    try {
      return http.send(
          request(uri, accept, respondAsync, auth),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new BenchException("the server at " + base + " is not answering (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }

  private HttpRequest request(URI uri, String accept, boolean respondAsync, boolean auth) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).header("Accept", accept).GET();
    String bearer = auth ? token.get() : null;
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (respondAsync) {
      request.header("Prefer", "respond-async");
    }
    return request.build();
  }

  private static JsonNode json(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node instanceof ObjectNode && node.path("output").isArray()) {
        return node;
      }
    } catch (IOException e) {
      // falls through
    }
    throw new BenchException(
        "the completed export answered something that is not a Bulk Data manifest: "
            + new FhirClient.Answer(200, body).diagnostics());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
