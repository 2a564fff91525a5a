package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.consentry.cli.identity.TokenClient;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Purposes of use come from Keycloak (realm roles {@code purpose:CODE}), not from the header. The
 * patient here denies treatment (TREAT) only, so a requester that could name another purpose itself
 * would read straight through: the attack these tests keep closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurposeIT extends ServerIT {

  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private String suffix;
  private String observation;

  @BeforeAll
  void data() {
    suffix = UUID.randomUUID().toString().substring(0, 8);
    String patient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.setSubject(new Reference("Patient/" + patient));
    observation = "/Observation/" + client().create().resource(obs).execute().getId().getIdPart();
    String denyTreatment =
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":{"type":"deny","purpose":[{"system":"%s","code":"TREAT"}]}}"""
            .formatted(patient, ACT_REASON);
    HttpResponse<String> consent = send("POST", "/Consent", "application/fhir+json", denyTreatment);
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
  }

  @Test
  void practitionerWithoutTheRole_cannotBreakTheGlass_andIsToldHowToGetIt() {
    String user = "dr-plain-" + suffix;
    String token =
        userToken(
            user, TestKeycloak.users().addPractitioner(user, "Practitioner/" + user, null), null);

    assertThat(read(token, null).statusCode()).as("treatment is denied").isEqualTo(404);
    HttpResponse<String> emergency = read(token, "ETREAT");
    assertThat(emergency.statusCode()).isEqualTo(403);
    assertThat(emergency.body())
        .contains("OperationOutcome")
        .contains("ETREAT is not granted")
        .contains("purpose:ETREAT")
        .contains("./consentry user add-practitioner USER Practitioner/ID --purpose ETREAT");
    assertThat(read(token, "HPAYMT").statusCode()).isEqualTo(403);
    assertThat(read(token, "HOPERAT").statusCode()).isEqualTo(403);
  }

  @Test
  void practitionerGrantedEmergencyAccess_readsThroughTheDeny_untilTheGrantIsTakenAway() {
    String user = "dr-er-" + suffix;
    String password =
        TestKeycloak.users().addPractitioner(user, "Practitioner/" + user, null, Set.of("ETREAT"));
    String token = userToken(user, password, null);

    HttpResponse<String> emergency = read(token, "ETREAT");
    assertThat(emergency.statusCode()).as(emergency.body()).isEqualTo(200);
    assertThat(emergency.headers().firstValue("X-Consentry-Access").orElse(""))
        .contains("emergency-override");
    assertThat(read(token, ACT_REASON + "|ETREAT").statusCode()).isEqualTo(200);
    assertThat(read(token, null).statusCode())
        .as("without the header: treatment, denied")
        .isEqualTo(404);
    assertThat(read(token, "HPAYMT").statusCode())
        .as("one grant does not open another")
        .isEqualTo(403);

    // re-adding the user without --purpose replaces its purposes: the next token has none
    String again = TestKeycloak.users().addPractitioner(user, "Practitioner/" + user, null);
    assertThat(read(userToken(user, again, null), "ETREAT").statusCode()).isEqualTo(403);
  }

  @Test
  void systemClient_canActForPaymentOnlyOnceGranted() {
    String clientId = "billing-" + suffix;
    String secret = RealmFixtures.confidentialClient(clientId, List.of("system/*.*"));
    TokenClient tokens = new TokenClient(TestKeycloak.admin().issuer());

    String token = tokens.clientCredentials(clientId, secret, null);
    assertThat(read(token, null).statusCode()).as("treatment is denied").isEqualTo(404);
    HttpResponse<String> payment = read(token, "HPAYMT");
    assertThat(payment.statusCode()).as("a header alone grants nothing").isEqualTo(403);
    assertThat(payment.body())
        .contains("HPAYMT is not granted")
        .contains("purpose:HPAYMT")
        .contains("./consentry keycloak ehr-purpose HPAYMT");
    assertThat(read(token, "HOPERAT").statusCode()).isEqualTo(403);

    TestKeycloak.users().setClientPurposes(clientId, Set.of("HPAYMT"));
    String granted = tokens.clientCredentials(clientId, secret, null);
    assertThat(read(granted, "HPAYMT").statusCode()).as("payment is not denied").isEqualTo(200);
    assertThat(read(granted, "HOPERAT").statusCode()).isEqualTo(403);
    assertThat(read(granted, "ETREAT").statusCode()).isEqualTo(403);

    TestKeycloak.users().setClientPurposes(clientId, Set.of());
    assertThat(read(tokens.clientCredentials(clientId, secret, null), "HPAYMT").statusCode())
        .isEqualTo(403);
  }

  private HttpResponse<String> read(String token, String purpose) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + observation))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/fhir+json")
            .GET();
    if (purpose != null) {
      request.header("X-Purpose-Of-Use", purpose);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
