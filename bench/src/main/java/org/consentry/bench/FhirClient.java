package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain JSON requests to the FHIR base URL as one requester; searches ask the server not to use its
 * cache.
 */
final class FhirClient {

  /** One answer: its status and body. */
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new BenchException("the answer is not JSON: " + e.getMessage());
      }
    }

    /** The first OperationOutcome diagnostics, or the start of the body, on one line. */
    String diagnostics() {
      try {
        JsonNode issue = JSON.readTree(body).path("issue").path(0);
        if (issue.hasNonNull("diagnostics")) {
          return issue.get("diagnostics").asText().replaceAll("\\s+", " ");
        }
      } catch (IOException e) {
        // falls through
      }
      String text = body.replaceAll("\\s+", " ");
      return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI base;
  private final TokenSource token;

  FhirClient(URI base, TokenSource token) {
    this.base = base;
    this.token = token;
  }

  URI base() {
    return base;
  }

  /** GET {@code base/path}, e.g. {@code Observation?_summary=count}. */
  Answer get(String path) {
    return send(request(path).header("Cache-Control", "no-cache").GET(), Duration.ofSeconds(120));
  }

  /** POST a Bundle to the base URL (a transaction or batch). */
  Answer postBundle(JsonNode bundle) {
    try {
      byte[] body = JSON.writeValueAsBytes(bundle);
      return send(
          request("")
              .header("Content-Type", "application/fhir+json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
          Duration.ofMinutes(10));
    } catch (IOException e) {
      throw new BenchException("cannot write a Bundle: " + e.getMessage());
    }
  }

  /** POST a body of any type to {@code base/path}, e.g. NDJSON to an operation. */
  Answer post(String path, String contentType, byte[] body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        Duration.ofMinutes(10));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(path.isEmpty() ? base.toString() : base + "/" + path))
            .header("Accept", "application/fhir+json");
    String bearer = token.get();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private Answer send(HttpRequest.Builder request, Duration timeout) {
    try {
      HttpResponse<String> response =
          http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new BenchException("the server at " + base + " is not answering (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
