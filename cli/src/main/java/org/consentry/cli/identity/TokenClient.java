package org.consentry.cli.identity;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gets access tokens from the realm's token endpoint: client credentials for a backend service, and
 * the password grant of the public app client for local use (the command line, tests).
 */
public final class TokenClient {

  public static final String APP_CLIENT = "consentry-app";
  public static final String EHR_CLIENT = "ehr-system";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI tokenEndpoint;

  public TokenClient(URI issuer) {
    this.tokenEndpoint =
        URI.create(issuer.toString().replaceAll("/+$", "") + "/protocol/openid-connect/token");
  }

  /**
   * A token of a confidential client; {@code scope} may be null for the client's default scopes.
   */
  public String clientCredentials(String clientId, String secret, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", clientId);
    form.put("client_secret", secret);
    if (scope != null) {
      form.put("scope", scope);
    }
    return request(form);
  }

  /** A token of a user through the public app client; {@code scope} adds optional scopes. */
  public String password(String username, String password, String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "password");
    form.put("client_id", APP_CLIENT);
    form.put("username", username);
    form.put("password", password);
    form.put("scope", scope == null ? "openid" : "openid " + scope);
    return request(form);
  }

  private String request(Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !json.hasNonNull("access_token")) {
        throw new ProvisioningException(
            "Keycloak refused the token request ("
                + response.statusCode()
                + "): "
                + json.path("error").asText("")
                + " "
                + json.path("error_description").asText(""));
      }
      return json.get("access_token").asText();
    } catch (IOException e) {
      throw new ProvisioningException(
          "cannot reach Keycloak at " + tokenEndpoint + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisioningException("interrupted while asking Keycloak for a token", e);
    }
  }
}
