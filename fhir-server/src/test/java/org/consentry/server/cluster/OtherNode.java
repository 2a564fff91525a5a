package org.consentry.server.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;

/**
 * A second server node for the multi-node tests: the runnable jar the build just made, started as
 * its own process on the test run's database, keystore and Keycloak (what {@code ./consentry up
 * --nodes 2} does), with a home folder of its own. It can be stopped or killed ({@code kill -9}).
 */
final class OtherNode implements AutoCloseable {

  private static final Path JAR = Path.of("target/consentry-server-exec.jar");

  private final Process process;
  private final int port;
  private final Path log;
  private final Path home;

  private OtherNode(Process process, int port, Path log, Path home) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.home = home;
  }

  /** Starts a node with these settings (besides port and home) and waits until it is ready. */
  static OtherNode start(Map<String, String> settings) throws IOException, InterruptedException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run mvn package first");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path home = Files.createTempDirectory("consentry-node");
    Path log = Path.of("target/other-node-" + port + ".log").toAbsolutePath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--consentry.home=" + home);
    command.add("--logging.level.root=WARN");
    command.add("--logging.level.ca.uhn.fhir=WARN");
    command.add("--logging.level.org.consentry=WARN");
    settings.forEach((key, value) -> command.add("--" + key + "=" + value));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    OtherNode node = new OtherNode(process, port, log, home);
    node.awaitReady(Duration.ofMinutes(5));
    return node;
  }

  String base() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  /** The Subscription websocket. */
  URI socket() {
    return URI.create("ws://127.0.0.1:" + port + "/websocket");
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the other node stopped while starting: see " + log);
      }
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    close();
    throw new IllegalStateException("the other node was not ready in " + timeout + ": see " + log);
  }

  /** {@code kill -9}: no shutdown hook, no graceful end of anything it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill();
    }
    FileSystemUtils.deleteRecursively(home);
  }
}
