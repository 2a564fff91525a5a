package org.consentry.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.consentry.cli.imports.FakeFhirServer;

/**
 * The server side of a research export, faked over real HTTP on loopback: the kick-off, a status
 * URL that answers 202 a few times and then the manifest (or a failure), and the output files. A
 * bearer token is accepted for {@link #usesPerToken} requests, then answered 401 as if expired.
 */
final class ResearchFakeServer implements AutoCloseable {

  /** One request as received. */
  record Seen(String path, String query, String authorization, String accept, String prefer) {}

  final List<Seen> requests = new CopyOnWriteArrayList<>();
  final Map<String, String> files = new LinkedHashMap<>();
  final Map<String, Integer> tokenUses = new HashMap<>();
  int usesPerToken = Integer.MAX_VALUE;
  int kickOffStatus = 202;
  String kickOffDiagnostics = "";
  int runningPolls = 2;
  List<String> retryAfter = List.of("3", "30");
  int doneStatus = 200;
  String doneBody = "";
  int unauthorized;
  private int polls;
  private final HttpServer http;
  final String base;

  ResearchFakeServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", this::answer);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  String fhirBase() {
    return base + "/fhir";
  }

  String statusUrl() {
    return base + "/fhir/$export-poll-status?_jobId=job-1";
  }

  @Override
  public void close() {
    http.stop(0);
  }

  private synchronized void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    requests.add(
        new Seen(
            path,
            exchange.getRequestURI().getRawQuery(),
            authorization,
            exchange.getRequestHeaders().getFirst("Accept"),
            exchange.getRequestHeaders().getFirst("Prefer")));
    int uses = tokenUses.merge(String.valueOf(authorization), 1, Integer::sum);
    if (authorization == null || uses > usesPerToken) {
      unauthorized++;
      send(exchange, 401, outcome("token expired"));
    } else if (path.endsWith("/$export") && path.startsWith("/fhir/ResearchStudy/")) {
      if (kickOffStatus == 202) {
        exchange.getResponseHeaders().add("Content-Location", statusUrl());
        send(exchange, 202, "");
      } else {
        send(exchange, kickOffStatus, outcome(kickOffDiagnostics));
      }
    } else if (path.equals("/fhir/$export-poll-status")) {
      if (polls < runningPolls) {
        exchange.getResponseHeaders().add("X-Progress", "selecting cohort, step " + polls);
        exchange.getResponseHeaders().add("Retry-After", retryAfter.get(polls % retryAfter.size()));
        polls++;
        send(exchange, 202, "");
      } else {
        send(exchange, doneStatus, doneBody);
      }
    } else if (path.startsWith("/files/") && files.containsKey(path.substring(7))) {
      send(exchange, 200, files.get(path.substring(7)));
    } else {
      send(exchange, 404, outcome("no " + path));
    }
  }

  static String outcome(String diagnostics) {
    return FakeFhirServer.outcome(400, diagnostics).body();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
