package org.consentry.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.consentry.cli.identity.KeycloakAdmin;
import org.consentry.cli.identity.TokenClient;
import org.consentry.cli.identity.UserDirectory;

/**
 * Where the identity commands find Keycloak and keep local credentials, from the environment:
 * {@code CONSENTRY_KEYCLOAK_URL} (default {@code http://127.0.0.1:8180}), {@code
 * CONSENTRY_KEYCLOAK_REALM} ({@code consentry}), {@code CONSENTRY_KEYCLOAK_ADMIN} ({@code admin})
 * and {@code CONSENTRY_KEYCLOAK_ADMIN_PASSWORD} (else the file that {@code ./consentry up} wrote
 * for the embedded Keycloak). Generated user passwords are kept, readable by the owner only, under
 * {@code $CONSENTRY_HOME/keycloak/passwords} so that {@code ./consentry token USER} can sign in.
 */
record IdentitySettings(KeycloakAdmin admin, Path home) {

  static IdentitySettings from(Map<String, String> env) {
    Path home =
        Path.of(
            env.getOrDefault("CONSENTRY_HOME", System.getProperty("user.home") + "/.consentry"));
    URI url = URI.create(env.getOrDefault("CONSENTRY_KEYCLOAK_URL", "http://127.0.0.1:8180"));
    String realm = env.getOrDefault("CONSENTRY_KEYCLOAK_REALM", "consentry");
    String user = env.getOrDefault("CONSENTRY_KEYCLOAK_ADMIN", "admin");
    String password = env.get("CONSENTRY_KEYCLOAK_ADMIN_PASSWORD");
    if (password == null) {
      Path file = home.resolve("keycloak/admin-password");
      try {
        password = Files.readString(file).trim();
      } catch (IOException e) {
        throw new UsageException(
            "no Keycloak admin password: set CONSENTRY_KEYCLOAK_ADMIN_PASSWORD, or start the"
                + " embedded Keycloak with ./consentry up (it writes "
                + file
                + ")");
      }
    }
    return new IdentitySettings(new KeycloakAdmin(url, realm, user, password), home);
  }

  /**
   * A fresh token of the EHR system client (client credentials; the secret is read through the
   * admin API).
   */
  String ehrToken(String scope) {
    String secret = new UserDirectory(admin).clientSecret(TokenClient.EHR_CLIENT);
    return new TokenClient(admin.issuer()).clientCredentials(TokenClient.EHR_CLIENT, secret, scope);
  }

  /** {@code CONSENTRY_TOKEN} if set, else a fresh EHR system token. */
  static String ehrTokenOrEnv(Map<String, String> env) {
    String token = env.get("CONSENTRY_TOKEN");
    return token != null ? token : from(env).ehrToken(null);
  }

  Path passwordFile(String username) {
    return home.resolve("keycloak/passwords/" + username);
  }

  void savePassword(String username, String password) throws IOException {
    Path file = passwordFile(username);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, password);
  }

  String savedPassword(String username) {
    try {
      return Files.readString(passwordFile(username)).trim();
    } catch (IOException e) {
      throw new UsageException(
          "no saved password for "
              + username
              + ": add the user with ./consentry user add-..."
              + " or set CONSENTRY_PASSWORD");
    }
  }
}
