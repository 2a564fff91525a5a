package org.consentry.server.subscription;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A rest-hook receiver for tests: records every request (method, path, event header, body, time
 * received) and answers 200, or 500 to the first {@code failFirst} requests.
 */
public final class Receiver implements AutoCloseable {

  /** One request received. */
  public record Hit(
      String method, String path, String event, String body, long nanos, int status) {}

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Hit> hits = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failures;

  public Receiver(int failFirst) {
    this.failures = new AtomicInteger(failFirst);
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          long at = System.nanoTime();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int status = failures.getAndDecrement() > 0 ? 500 : 200;
          hits.add(
              new Hit(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("X-Consentry-Event"),
                  body,
                  at,
                  status));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  /** The endpoint to subscribe with. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  public List<Hit> hits() {
    return List.copyOf(hits);
  }

  /** The requests that mention the text (path or body). */
  public List<Hit> mentioning(String text) {
    return hits.stream().filter(h -> h.path().contains(text) || h.body().contains(text)).toList();
  }

  /** Waits until a request matches, for at most the given time; the first match or null. */
  public Hit await(Predicate<Hit> match, long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    do {
      for (Hit hit : hits) {
        if (match.test(hit)) {
          return hit;
        }
      }
      Thread.sleep(10);
    } while (System.currentTimeMillis() < until);
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
