package org.consentry.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * FHIR requests to the soak's nodes over one shared HTTP/1.1 client, each timed into the stats. A
 * request that gets no answer within the timeout, or whose connection fails, is an {@link Answer}
 * with status -1 and the reason.
 */
final class SoakHttp {

  /** One answer, or (status -1) none. */
  record Answer(int status, String body, String problem) {
    boolean answered() {
      return status > 0;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<URI> nodes;
  private final Duration timeout;
  private final SoakStats stats;

  SoakHttp(List<URI> nodes, Duration timeout, SoakStats stats) {
    this.nodes = List.copyOf(nodes);
    this.timeout = timeout;
    this.stats = stats;
  }

  List<URI> nodes() {
    return nodes;
  }

  /** The node's base URL joined with a relative path, e.g. {@code Observation?code=...}. */
  URI url(int node, String path) {
    return URI.create(nodes.get(node) + "/" + path);
  }

  /**
   * A {@code next} link moved to another node: the part after the base URL of whichever node wrote
   * it, put after {@code node}'s base URL. Links of no known node are returned as they are.
   */
  URI onNode(String link, int node) {
    for (URI base : nodes) {
      String prefix = base.toString();
      if (link.startsWith(prefix + "/") || link.startsWith(prefix + "?")) {
        return URI.create(nodes.get(node) + link.substring(prefix.length()));
      }
    }
    return URI.create(link);
  }

  Answer get(SoakStats.Kind kind, URI url, String token, boolean noCache) {
    HttpRequest.Builder request = base(url, token).GET();
    if (noCache) {
      request.header("Cache-Control", "no-cache");
    }
    return send(kind, request);
  }

  Answer send(SoakStats.Kind kind, String method, URI url, String token, String json) {
    HttpRequest.Builder request =
        base(url, token)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/fhir+json");
    }
    return send(kind, request);
  }

  private HttpRequest.Builder base(URI url, String token) {
    return HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Accept", "application/fhir+json")
        .header("Authorization", "Bearer " + token);
  }

  private Answer send(SoakStats.Kind kind, HttpRequest.Builder request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      stats.answered(kind, (System.nanoTime() - start) / 1000);
      return new Answer(response.statusCode(), response.body(), null);
    } catch (HttpTimeoutException e) {
      stats.unanswered(kind);
      return new Answer(-1, "", "no answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      stats.unanswered(kind);
      return new Answer(-1, "", "connection failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stats.unanswered(kind);
      return new Answer(-1, "", "interrupted");
    }
  }
}
