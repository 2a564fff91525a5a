package org.consentry.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.consentry.cli.identity.TokenClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole server on a random port, storing in the test run's
 * PostgreSQL through {@code consentry.db.url} (the production path). Every subclass shares one
 * Spring context, so keep per-class configuration out of here; tests create their own data and must
 * not assume an empty database.
 */
@SpringBootTest(
    classes = ConsentryApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // application.yaml sets INFO for the running server; tests print warnings only
    properties = {
      "logging.level.root=WARN",
      "logging.level.ca.uhn.fhir=WARN",
      "logging.level.org.consentry=WARN",
      // small work chunks, so the relabel and rotation jobs run as many chunks
      "consentry.jobs.chunk-size=100",
      // a dead node's job chunks go back to work within seconds (MultiNodeIT kills one)
      "consentry.jobs.lease-renewal=2s",
      "consentry.jobs.lease-expiry=15s",
      // rest-hook receivers of the tests listen on this machine
      "consentry.subscriptions.endpoint-prefixes=http://127.0.0.1:"
    })
public abstract class ServerIT {

  protected static final FhirContext FHIR = FhirContext.forR4Cached();
  protected static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void storage(DynamicPropertyRegistry registry) throws IOException {
    // Keycloak builds and starts while Spring starts the server; the issuer below waits for it
    TestKeycloak.startInBackground();
    // under target/, which mvn clean removes: the context lives until the JVM exits
    Path home =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "consentry-it");
    registry.add("consentry.home", home::toString);
    // field-level encryption: a master keystore made for this run (./consentry keys init in
    // production)
    Path keys = Files.createDirectories(home.resolve("keys"));
    org.consentry.crypto.MasterKeystore.create(
        keys.resolve("master.bcfks"), "test-keystore-passphrase".toCharArray());
    Files.writeString(keys.resolve("passphrase"), "test-keystore-passphrase");
    registry.add("consentry.crypto.keystore", () -> keys.resolve("master.bcfks").toString());
    registry.add("consentry.crypto.passphrase-file", () -> keys.resolve("passphrase").toString());
    registry.add("consentry.db.url", TestDatabase::jdbcUrl);
    registry.add("consentry.db.username", () -> "postgres");
    registry.add("consentry.db.password", () -> "");
    registry.add("consentry.security.issuer", TestKeycloak::issuer);
    // tests sign expired tokens themselves; a small skew keeps them short
    registry.add("consentry.security.clock-skew", () -> "5s");
  }

  private static String ehrToken;

  /** A token of the EHR system client (system/*.*), cached: it lives an hour. */
  protected static synchronized String ehrToken() {
    if (ehrToken == null) {
      String secret = TestKeycloak.users().clientSecret(TokenClient.EHR_CLIENT);
      ehrToken =
          new TokenClient(TestKeycloak.admin().issuer())
              .clientCredentials(TokenClient.EHR_CLIENT, secret, null);
    }
    return ehrToken;
  }

  private static String auditorName;
  private static String auditorPassword;
  private static String auditorToken;
  private static long auditorTokenAt;

  /**
   * A token of an auditor (role auditor: the whole audit trail, no patient data), cached while it
   * is fresh: user tokens live 5 minutes, and the suite runs longer than that.
   */
  protected static synchronized String auditorToken() {
    if (auditorName == null) {
      auditorName = "auditor-" + java.util.UUID.randomUUID().toString().substring(0, 8);
      auditorPassword = TestKeycloak.users().addAuditor(auditorName);
    }
    if (auditorToken == null || System.nanoTime() - auditorTokenAt > 200_000_000_000L) {
      auditorToken = userToken(auditorName, auditorPassword, null);
      auditorTokenAt = System.nanoTime();
    }
    return auditorToken;
  }

  /** A token of a user through the app client, with optional extra scopes. */
  protected static String userToken(String username, String password, String scope) {
    return new TokenClient(TestKeycloak.admin().issuer()).password(username, password, scope);
  }

  /**
   * data/synthea-10 in the server: imported by the first test of the run that asks, shared by the
   * rest; answers the result of that first import.
   */
  protected org.consentry.cli.imports.ImportResult syntheaImported() {
    return SyntheaSample.imported(base(), ehrToken());
  }

  protected String base() {
    return "http://127.0.0.1:" + port + "/fhir";
  }

  /** A FHIR client acting as the EHR system. */
  protected IGenericClient client() {
    return client(ehrToken());
  }

  /** A FHIR client sending the given token (none if null). */
  protected IGenericClient client(String token) {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
    IGenericClient client = FHIR.newRestfulGenericClient(base());
    if (token != null) {
      client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    }
    return client;
  }

  /**
   * Sends a raw request to a path under the FHIR base (or an absolute URL) and returns the
   * response.
   */
  protected HttpResponse<String> send(String method, String path, String contentType, String body) {
    return sendAs(ehrToken(), method, path, contentType, body);
  }

  /** Sends a raw request with the given token (none if null). */
  protected HttpResponse<String> sendAs(
      String token, String method, String path, String contentType, String body) {
    return sendWith(token, method, path, contentType, body, java.util.Map.of());
  }

  /** Sends a raw request with the given token (none if null) and extra headers. */
  protected HttpResponse<String> sendWith(
      String token,
      String method,
      String path,
      String contentType,
      String body,
      java.util.Map<String, String> headers) {
    String url = path.startsWith("http") ? path : base() + path;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Accept", "application/fhir+json");
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(
        (name, value) -> {
          if (!name.equalsIgnoreCase("Content-Type")) {
            request.header(name, value);
          }
        });
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected HttpResponse<String> get(String path) {
    return send("GET", path, null, null);
  }

  protected HttpResponse<String> postJson(String path, String body) {
    return send("POST", path, "application/fhir+json", body);
  }
}
