package org.consentry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.consentry.cli.imports.FhirResponse;
import org.consentry.cli.imports.HttpFhirSender;
import org.consentry.cli.imports.ServerUnavailableException;

/**
 * The HTTP side of {@code consentry research export}: GETs with the researcher's bearer token and
 * the headers of an asynchronous (Bulk Data) request. Tokens are short-lived, so a request that
 * answers 401 is sent once more with a fresh one. Like {@link HttpFhirSender}: HTTP/1.1, no
 * redirects followed (they would carry the token elsewhere), and no answer at all becomes a {@link
 * ServerUnavailableException}.
 */
final class ResearchHttp {

  static final String FHIR_JSON = "application/fhir+json";
  static final String FHIR_NDJSON = "application/fhir+ndjson";

  /** What came back: status, headers, and the body as text (empty for a download that worked). */
  record Answer(int status, HttpHeaders headers, String body) {

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    FhirResponse fhir() {
      return new FhirResponse(status, body);
    }
  }

  /** Takes a downloaded body; its IOExceptions are the connection's, so it wraps its own. */
  interface BodySink {
    void accept(InputStream body) throws IOException;
  }

  private final String server;
  private final Supplier<String> tokens;
  private final Duration timeout;
  private final HttpClient client;
  private String token;

  /**
   * @param server the FHIR base URL, for messages
   * @param tokens gives a fresh access token each time it is asked
   */
  ResearchHttp(String server, Supplier<String> tokens, Duration timeout) {
    this.server = server;
    this.tokens = tokens;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** GETs FHIR JSON; {@code respondAsync} adds {@code Prefer: respond-async} (a kick-off). */
  Answer get(URI uri, boolean respondAsync) {
    HttpResponse<String> response =
        send(uri, FHIR_JSON, respondAsync, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.headers(), response.body());
  }

  /**
   * GETs an NDJSON file and hands a 200 answer's body to {@code sink}; any other answer is returned
   * with its body as text, and the sink is not called.
   *
   * @param withToken whether to send the bearer token (a manifest may say its files need none)
   */
  Answer download(URI uri, boolean withToken, BodySink sink) {
    HttpResponse<InputStream> response =
        withToken
            ? send(uri, FHIR_NDJSON, false, HttpResponse.BodyHandlers.ofInputStream())
            : once(
                request(uri, FHIR_NDJSON, false, null), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        String text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        return new Answer(response.statusCode(), response.headers(), text);
      }
      sink.accept(body);
      return new Answer(200, response.headers(), "");
    } catch (IOException e) {
      throw new ServerUnavailableException(server, "connection lost: " + e.getMessage());
    }
  }

  private <T> HttpResponse<T> send(
      URI uri, String accept, boolean respondAsync, HttpResponse.BodyHandler<T> handler) {
    if (token == null) {
      token = tokens.get();
    }
    HttpResponse<T> response = once(request(uri, accept, respondAsync, token), handler);
    if (response.statusCode() == 401) {
      discard(response);
      token = tokens.get();
      response = once(request(uri, accept, respondAsync, token), handler);
    }
    return response;
  }

  private HttpRequest request(URI uri, String accept, boolean respondAsync, String bearer) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET();
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer.strip());
    }
    if (respondAsync) {
      builder.header("Prefer", "respond-async");
    }
    return builder.build();
  }

  private <T> HttpResponse<T> once(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return client.send(request, handler);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ServerUnavailableException(server, "connection refused or timed out");
    } catch (HttpTimeoutException e) {
      throw new ServerUnavailableException(
          server, "no answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw new ServerUnavailableException(server, "connection lost: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ResearchExport.Failure(ConsentryCli.CANNOT_RUN, "interrupted");
    }
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream body) {
      try {
        body.close();
      } catch (IOException e) {
        // nothing more to read from it
      }
    }
  }
}
