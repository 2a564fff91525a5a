package org.consentry.cli.imports;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link FhirSender} over {@code java.net.http}, HTTP/1.1, FHIR JSON. A request that loses its
 * connection midway is sent once more: the importer only sends idempotent bundles (PUT by id,
 * conditional creates), so a repeat cannot duplicate data.
 */
public final class HttpFhirSender implements FhirSender {

  private static final String FHIR_JSON = "application/fhir+json";

  private final String base;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient client;

  public HttpFhirSender(URI baseUrl, String bearerToken, Duration timeout) {
    String text = baseUrl.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.authorization =
        bearerToken == null || bearerToken.isBlank() ? null : "Bearer " + bearerToken.strip();
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public FhirResponse postBundle(String bundleJson) {
    HttpRequest request =
        builder(URI.create(base))
            .header("Content-Type", FHIR_JSON + ";charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(bundleJson, StandardCharsets.UTF_8))
            .build();
    return send(request, true);
  }

  /**
   * POSTs a JSON body to a path relative to the base URL, such as {@code $relabel}; not repeated on
   * a lost connection.
   */
  public FhirResponse post(String relativePath, String json) {
    return post(relativePath, json, FHIR_JSON);
  }

  /**
   * POSTs a body of the given media type (UTF-8) to a path relative to the base URL, such as NDJSON
   * to {@code Observation/$ingest-measurements} (an empty path: the base URL itself); not repeated
   * on a lost connection.
   */
  public FhirResponse post(String relativePath, String body, String mediaType) {
    HttpRequest request =
        builder(URI.create(relativePath.isEmpty() ? base : base + "/" + relativePath))
            .header("Content-Type", mediaType + ";charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return send(request, false);
  }

  @Override
  public FhirResponse get(String relativePath) {
    return send(builder(URI.create(base + "/" + relativePath)).GET().build(), true);
  }

  @Override
  public String baseUrl() {
    return base;
  }

  private HttpRequest.Builder builder(URI uri) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", FHIR_JSON);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private FhirResponse send(HttpRequest request, boolean mayRepeat) {
    try {
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new FhirResponse(
          response.statusCode(), response.body() == null ? "" : response.body());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ServerUnavailableException(base, "connection refused or timed out");
    } catch (HttpTimeoutException e) {
      throw new ServerUnavailableException(base, "no answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      if (mayRepeat) {
        pause();
        return send(request, false);
      }
      throw new ServerUnavailableException(base, "connection lost: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImportException("interrupted");
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImportException("interrupted");
    }
  }
}
