package org.consentry.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.consentry.cli.identity.KeycloakAdmin;
import org.consentry.cli.identity.RealmProvisioner;
import org.consentry.cli.identity.UserDirectory;

/**
 * One real Keycloak for the whole test run: the official distribution that the build unpacked into
 * {@code target/keycloak} (see fhir-server/pom.xml), built once, started on free loopback ports
 * with a fresh database and a generated admin password, provisioned with the realm definition
 * through the admin client, and stopped when the JVM exits.
 */
public final class TestKeycloak {

  private static CompletableFuture<KeycloakAdmin> admin;
  private static Process process;

  private TestKeycloak() {}

  /**
   * Builds (first time only), starts and provisions Keycloak on a thread of its own, unless that is
   * under way already: called before the Spring context starts, so that the two start side by side
   * (together most of the first IT's minutes) instead of one after the other.
   */
  public static synchronized void startInBackground() {
    if (admin == null) {
      admin = new CompletableFuture<>();
      Thread starter =
          new Thread(
              () -> {
                try {
                  KeycloakAdmin started = start();
                  new RealmProvisioner(started, line -> {}).provision();
                  admin.complete(started);
                } catch (Throwable e) {
                  admin.completeExceptionally(e);
                }
              },
              "test-keycloak-start");
      starter.setDaemon(true);
      starter.start();
    }
  }

  /** The provisioned Keycloak, once it is ready (started now if it is not under way). */
  public static KeycloakAdmin admin() {
    startInBackground();
    try {
      return admin.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("could not start Keycloak for the tests", io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("could not start Keycloak for the tests", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String issuer() {
    return admin().issuer().toString();
  }

  public static UserDirectory users() {
    return new UserDirectory(admin());
  }

  private static KeycloakAdmin start() throws IOException, InterruptedException {
    Path home = home();
    Path log = home.getParent().resolve("keycloak.log");
    if (!Files.exists(home.resolve(".consentry-built"))) {
      run(
          home,
          log,
          List.of("build", "--db=dev-file", "--health-enabled=true"),
          // side by side with the Spring context's start
          Duration.ofMinutes(5));
      Files.createFile(home.resolve(".consentry-built"));
    }
    deleteTree(home.resolve("data"));
    int port = freePort();
    int management = freePort();
    String password = java.util.UUID.randomUUID().toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                kc(home),
                "start",
                "--optimized",
                "--cache=local",
                "--http-enabled=true",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--hostname=http://127.0.0.1:" + port,
                "--http-management-port=" + management)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", password);
    process = builder.start();
    Process started = process;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started)));
    waitReady(URI.create("http://127.0.0.1:" + management + "/health/ready"), log);
    return new KeycloakAdmin(
        URI.create("http://127.0.0.1:" + port), "consentry", "admin", password);
  }

  private static Path home() {
    String configured = System.getProperty("consentry.test.keycloak-home");
    Path home = configured != null ? Path.of(configured) : null;
    if (home == null || !Files.isExecutable(home.resolve("bin/kc.sh"))) {
      throw new IllegalStateException(
          "no Keycloak distribution at "
              + home
              + ": run the ITs through Maven (mvn verify), which unpacks it into fhir-server/target/keycloak");
    }
    return home;
  }

  private static String kc(Path home) {
    return home.resolve("bin/kc.sh").toString();
  }

  private static void run(Path home, Path log, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = Stream.concat(Stream.of(kc(home)), args.stream()).toList();
    Process build =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!build.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || build.exitValue() != 0) {
      // kc.sh runs Java as its child: end both, or the build goes on writing the log
      build.descendants().forEach(ProcessHandle::destroyForcibly);
      build.destroyForcibly();
      throw new IllegalStateException("kc.sh " + args + " failed; see " + log);
    }
  }

  private static void waitReady(URI health, Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    // it starts side by side with the Spring context: on a busy machine that takes minutes
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Keycloak exited while starting; see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Keycloak did not become ready within 5 minutes; see " + log);
  }

  /** Its database is thrown away, so there is nothing to shut down gracefully: kill it, quickly. */
  private static void stop(Process kc) {
    kc.descendants().forEach(ProcessHandle::destroyForcibly);
    kc.destroyForcibly();
    try {
      kc.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
