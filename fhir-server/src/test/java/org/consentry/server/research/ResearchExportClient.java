package org.consentry.server.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A researcher's side of a research export in the tests: kick-off, poll, manifest, files. */
final class ResearchExportClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A finished export: the manifest, its research extension and the NDJSON lines per type. */
  record Export(JsonNode manifest, JsonNode research, Map<String, List<String>> lines) {

    List<String> all() {
      return lines.values().stream().flatMap(List::stream).toList();
    }

    List<String> of(String type) {
      return lines.getOrDefault(type, List.of());
    }

    int cohort(String figure) {
      return research.path("cohort").path(figure).asInt(-1);
    }
  }

  private final String base;

  ResearchExportClient(String base) {
    this.base = base;
  }

  static HttpResponse<String> get(String url, String token, String accept, boolean async) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", accept)
            .header("Authorization", "Bearer " + token);
    if (async) {
      request.header("Prefer", "respond-async");
    }
    try {
      return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The kick-off's answer, as it is. */
  HttpResponse<String> kickOff(String path, String token) {
    return get(base + path, token, "application/fhir+json", true);
  }

  /** Kicks off, waits for the manifest and downloads every file. */
  Export run(String path, String token) throws Exception {
    HttpResponse<String> kickOff = kickOff(path, token);
    assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
    String statusUrl = kickOff.headers().firstValue("Content-Location").orElseThrow();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
    HttpResponse<String> status;
    do {
      Thread.sleep(500);
      status = get(statusUrl, token, "application/json", false);
      assertThat(status.statusCode()).as(status.body()).isIn(200, 202);
    } while (status.statusCode() == 202 && Instant.now().isBefore(deadline));
    assertThat(status.statusCode()).as("the export finished within 180 s").isEqualTo(200);
    JsonNode manifest = JSON.readTree(status.body());
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (JsonNode output : manifest.get("output")) {
      HttpResponse<String> file =
          get(output.get("url").asText(), token, "application/fhir+ndjson", false);
      assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
      List<String> of = lines.computeIfAbsent(output.get("type").asText(), t -> new ArrayList<>());
      file.body().lines().filter(l -> !l.isBlank()).forEach(of::add);
    }
    JsonNode research = manifest.path("extension").path(ResearchRun.MANIFEST_EXTENSION);
    assertThat(research.isObject()).as("the manifest carries the research reports").isTrue();
    return new Export(manifest, research, lines);
  }
}
