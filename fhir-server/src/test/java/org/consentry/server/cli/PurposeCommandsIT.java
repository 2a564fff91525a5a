package org.consentry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.consentry.cli.CliCommand;
import org.consentry.cli.ConsentryCli;
import org.consentry.cli.identity.KeycloakAdmin;
import org.consentry.cli.identity.TokenClient;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./consentry user add-practitioner --purpose} and {@code ./consentry keycloak ehr-purpose}
 * against the real Keycloak: what they grant reaches the token and the server lets the request act
 * for it; running them again without the purpose takes it away.
 */
class PurposeCommandsIT extends ServerIT {

  @TempDir Path home;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void addPractitionerWithPurpose_grantsEmergencyAccess_andReAddingWithoutItRevokesIt()
      throws Exception {
    String user = "dr-cli-" + UUID.randomUUID().toString().substring(0, 8);

    assertThat(
            cli(
                "user",
                "add-practitioner",
                user,
                "Practitioner/" + user,
                "--purpose",
                "ETREAT",
                "--purpose",
                "HPAYMT"))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Granted purposes of use: ETREAT, HPAYMT");
    String token = userToken(user, savedPassword(user), null);
    assertThat(search(token, "ETREAT")).isEqualTo(200);
    assertThat(search(token, "HPAYMT")).isEqualTo(200);
    assertThat(search(token, "HOPERAT")).isEqualTo(403);

    assertThat(cli("user", "add-practitioner", user, "Practitioner/" + user)).isZero();
    String again = userToken(user, savedPassword(user), null);
    assertThat(search(again, "ETREAT")).isEqualTo(403);
    assertThat(search(again, "HPAYMT")).isEqualTo(403);
    assertThat(search(again, null)).isEqualTo(200);
  }

  @Test
  void ehrPurpose_grantsTheEhrClientAPurpose_andWithoutCodesRevokesIt() throws Exception {
    ehrToken(); // the shared cached token is taken before the grant, so other tests never see it
    try {
      assertThat(cli("keycloak", "ehr-purpose", "HPAYMT", "HOPERAT")).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("may now act for HOPERAT, HPAYMT, TREAT");
      assertThat(search(freshEhrToken(), "HPAYMT")).isEqualTo(200);
      assertThat(search(freshEhrToken(), "HOPERAT")).isEqualTo(200);
      assertThat(search(freshEhrToken(), "PUBHLTH")).isEqualTo(403);
    } finally {
      assertThat(cli("keycloak", "ehr-purpose")).isZero();
    }
    assertThat(search(freshEhrToken(), "HPAYMT")).isEqualTo(403);
    assertThat(search(freshEhrToken(), "TREAT")).isEqualTo(200);
  }

  private int cli(String... args) {
    KeycloakAdmin admin = TestKeycloak.admin();
    Map<String, String> env =
        Map.of(
            "CONSENTRY_HOME",
            home.toString(),
            "CONSENTRY_KEYCLOAK_URL",
            admin.baseUrl().toString(),
            "CONSENTRY_KEYCLOAK_REALM",
            admin.realm(),
            "CONSENTRY_KEYCLOAK_ADMIN",
            admin.username(),
            "CONSENTRY_KEYCLOAK_ADMIN_PASSWORD",
            admin.password());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ConsentryCli.run(
            List.of(args),
            new CliCommand.Context(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                false));
    assertThat(err.toString(StandardCharsets.UTF_8)).as("stderr of %s", List.of(args)).isEmpty();
    return code;
  }

  private String savedPassword(String user) throws Exception {
    return Files.readString(home.resolve("keycloak/passwords/" + user)).trim();
  }

  private static String freshEhrToken() {
    String secret = TestKeycloak.users().clientSecret(TokenClient.EHR_CLIENT);
    return new TokenClient(TestKeycloak.admin().issuer())
        .clientCredentials(TokenClient.EHR_CLIENT, secret, null);
  }

  private int search(String token, String purpose) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + "/Observation?_count=1"))
            .header("Authorization", "Bearer " + token)
            .GET();
    if (purpose != null) {
      request.header("X-Purpose-Of-Use", purpose);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
