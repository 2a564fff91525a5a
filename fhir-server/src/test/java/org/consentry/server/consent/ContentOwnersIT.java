package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Whose data a Bundle, a Binary or a Task is comes from its content: another patient's record
 * inside a stored Bundle stays theirs, and what belongs to nobody is for system clients unless it
 * is directory data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentOwnersIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";

  private String alice;
  private String bob;
  private String aliceToken;
  private String bobToken;
  private String drToken;

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    alice = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    bob = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    aliceToken =
        userToken(
            "alice-o-" + s,
            TestKeycloak.users().addPatient("alice-o-" + s, "Patient/" + alice),
            null);
    bobToken =
        userToken(
            "bob-o-" + s, TestKeycloak.users().addPatient("bob-o-" + s, "Patient/" + bob), null);
    String practitioner = "Practitioner/dr-o-" + s;
    client()
        .update()
        .resource(new org.hl7.fhir.r4.model.Practitioner().setActive(true).setId(practitioner))
        .execute();
    drToken =
        userToken(
            "dr-o-" + s,
            TestKeycloak.users().addPractitioner("dr-o-" + s, practitioner, null),
            null);
  }

  @Test
  void collectionBundleOfBobsPatient_isBobs() {
    String bundle =
        create(
            "/Bundle",
            """
				{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"%s",
				 "identifier":[{"system":"http://hl7.org/fhir/sid/us-ssn","value":"123-45-6789"}]}}]}"""
                .formatted(bob));
    HttpResponse<String> byAlice = sendAs(aliceToken, "GET", "/Bundle/" + bundle, null, null);
    HttpResponse<String> missing =
        sendAs(aliceToken, "GET", "/Bundle/" + UUID.randomUUID(), null, null);
    assertThat(byAlice.statusCode()).isEqualTo(404);
    assertThat(byAlice.statusCode()).isEqualTo(missing.statusCode());
    assertThat(byAlice.body()).doesNotContain("123-45-6789");
    assertThat(sendAs(aliceToken, "GET", "/Bundle?_id=" + bundle, null, null).body())
        .doesNotContain("123-45-6789");

    assertThat(sendAs(bobToken, "GET", "/Bundle/" + bundle, null, null).statusCode())
        .isEqualTo(200);
    assertThat(sendAs(ehrToken(), "GET", "/Bundle/" + bundle, null, null).statusCode())
        .isEqualTo(200);
    assertThat(sendAs(ehrToken(), "GET", "/Bundle?_id=" + bundle, null, null).body())
        .contains("123-45-6789");
  }

  @Test
  void bundleOfTwoPatients_isShownOnlyWhereBothAllowIt() {
    String bundle =
        create(
            "/Bundle",
            """
				{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"%s"}},
				 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/%s"}}}]}"""
                .formatted(alice, bob));
    assertThat(sendAs(aliceToken, "GET", "/Bundle/" + bundle, null, null).statusCode())
        .isEqualTo(404);
    assertThat(sendAs(bobToken, "GET", "/Bundle/" + bundle, null, null).statusCode())
        .isEqualTo(404);
    assertThat(sendAs(drToken, "GET", "/Bundle/" + bundle, null, null).statusCode())
        .as("treatment is opt-out")
        .isEqualTo(200);
    assertThat(sendAs(ehrToken(), "GET", "/Bundle/" + bundle, null, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void binaryWithoutSecurityContext_isForSystemClientsOnly() {
    String binary =
        create(
            "/Binary",
            """
				{"resourceType":"Binary","contentType":"text/plain","data":"c2VjcmV0"}""");
    assertThat(sendAs(drToken, "GET", "/Binary/" + binary, null, null).statusCode()).isEqualTo(404);
    assertThat(sendAs(aliceToken, "GET", "/Binary/" + binary, null, null).statusCode())
        .isEqualTo(404);
    assertThat(sendAs(ehrToken(), "GET", "/Binary/" + binary, null, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void binaryOfAlice_isAlices() {
    String binary =
        create(
            "/Binary",
            """
				{"resourceType":"Binary","contentType":"text/plain","securityContext":{"reference":"Patient/%s"},
				 "data":"c2VjcmV0"}"""
                .formatted(alice));
    assertThat(sendAs(aliceToken, "GET", "/Binary/" + binary, null, null).statusCode())
        .isEqualTo(200);
    assertThat(sendAs(bobToken, "GET", "/Binary/" + binary, null, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void taskForAlice_isAlices_andDirectoryDataIsEveryones() {
    String task =
        create(
            "/Task",
            """
				{"resourceType":"Task","status":"requested","intent":"order","for":{"reference":"Patient/%s"}}"""
                .formatted(alice));
    assertThat(sendAs(aliceToken, "GET", "/Task/" + task, null, null).statusCode()).isEqualTo(200);
    assertThat(sendAs(bobToken, "GET", "/Task/" + task, null, null).statusCode()).isEqualTo(404);

    String organization =
        create("/Organization", "{\"resourceType\":\"Organization\",\"name\":\"Ward 3\"}");
    assertThat(sendAs(bobToken, "GET", "/Organization/" + organization, null, null).statusCode())
        .isEqualTo(200);
    String subscription =
        create(
            "/Subscription",
            """
				{"resourceType":"Subscription","status":"off","reason":"test","criteria":"Observation?code=8867-4",
				 "channel":{"type":"rest-hook","endpoint":"http://127.0.0.1:9/hook","payload":"application/fhir+json"}}""");
    assertThat(sendAs(drToken, "GET", "/Subscription/" + subscription, null, null).statusCode())
        .isEqualTo(404);
  }

  private String create(String path, String body) {
    HttpResponse<String> created = send("POST", path, FHIR_JSON, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    try {
      return JSON.readTree(created.body()).get("id").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
