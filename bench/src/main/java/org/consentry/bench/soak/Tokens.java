package org.consentry.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.consentry.bench.TokenSource;

/**
 * One requester's bearer token, fetched again a minute before it expires (user tokens live five
 * minutes): a user's through the realm's token endpoint with the password grant of the public app
 * client (the password {@code ./consentry user add-...} printed), or the EHR client's by running
 * {@code LAUNCHER token ehr}, the way an operator gets one.
 */
final class Tokens {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final URI tokenEndpoint;
  private final String form;
  private final List<String> command;
  private String token;
  private long refreshAt;

  private Tokens(String name, URI tokenEndpoint, String form, List<String> command) {
    this.name = name;
    this.tokenEndpoint = tokenEndpoint;
    this.form = form;
    this.command = command;
  }

  /**
   * A user's tokens from the realm at {@code issuer} (e.g. {@code
   * http://127.0.0.1:8180/realms/consentry}); {@code scope} adds optional scopes, or null.
   */
  static Tokens user(URI issuer, String username, String password, String scope) {
    String form =
        "grant_type=password&client_id=consentry-app&username="
            + encode(username)
            + "&password="
            + encode(password)
            + "&scope="
            + encode(scope == null ? "openid" : "openid " + scope);
    URI endpoint =
        URI.create(issuer.toString().replaceAll("/+$", "") + "/protocol/openid-connect/token");
    return new Tokens(username, endpoint, form, null);
  }

  /** Tokens printed by {@code launcher token ARGS...}, e.g. {@code ./consentry token ehr}. */
  static Tokens launcher(String launcher, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(launcher, "token"));
    command.addAll(List.of(args));
    return new Tokens(String.join(" ", args), null, null, List.copyOf(command));
  }

  String name() {
    return name;
  }

  /** A token valid for at least a minute more. */
  synchronized String get() {
    if (token == null || System.currentTimeMillis() > refreshAt) {
      token = command == null ? grant() : run();
      refreshAt = TokenSource.expiry(token) - 60_000;
    }
    return token;
  }

  private String grant() {
    HttpRequest request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !json.hasNonNull("access_token")) {
        throw new SoakException(
            "Keycloak refused a token for "
                + name
                + " ("
                + response.statusCode()
                + "): "
                + json.path("error_description").asText(json.path("error").asText("")));
      }
      return json.get("access_token").asText();
    } catch (IOException e) {
      throw new SoakException("cannot reach Keycloak at " + tokenEndpoint + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException("interrupted while asking Keycloak for a token");
    }
  }

  private String run() {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SoakException("no token: `" + String.join(" ", command) + "` took over 120 s");
      }
      String found = TokenSource.jwt(new String(out, StandardCharsets.UTF_8));
      if (process.exitValue() != 0 || found == null) {
        throw new SoakException(
            "no token: `" + String.join(" ", command) + "` exited " + process.exitValue());
      }
      return found;
    } catch (IOException e) {
      throw new SoakException("no token: `" + String.join(" ", command) + "`: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException("interrupted while fetching a token");
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
