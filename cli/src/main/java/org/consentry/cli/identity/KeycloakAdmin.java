package org.consentry.cli.identity;

import java.net.URI;
import java.util.Objects;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

/**
 * How to reach a Keycloak server as an administrator: a user of the {@code master} realm (the
 * embedded Keycloak's bootstrap admin), through {@code admin-cli}.
 *
 * @param baseUrl the server, such as {@code http://127.0.0.1:8180}
 * @param realm the realm that Consentry uses ({@code consentry})
 * @param username an administrator of the master realm
 * @param password that administrator's password; never printed
 */
public record KeycloakAdmin(URI baseUrl, String realm, String username, String password) {

  public KeycloakAdmin {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The realm's issuer, as tokens carry it in {@code iss}. */
  public URI issuer() {
    return URI.create(base() + "/realms/" + realm);
  }

  String base() {
    return baseUrl.toString().replaceAll("/+$", "");
  }

  /** Whether the server is on this machine, which is when direct password grants are allowed. */
  public boolean isLoopback() {
    String host = baseUrl.getHost();
    return host != null
        && (host.equals("localhost")
            || host.equals("127.0.0.1")
            || host.equals("[::1]")
            || host.equals("::1"));
  }

  Keycloak connect() {
    return KeycloakBuilder.builder()
        .serverUrl(base())
        .realm("master")
        .clientId("admin-cli")
        .grantType(OAuth2Constants.PASSWORD)
        .username(username)
        .password(password)
        .build();
  }

  @Override
  public String toString() {
    return "KeycloakAdmin[" + baseUrl + ", realm " + realm + ", user " + username + "]";
  }
}
