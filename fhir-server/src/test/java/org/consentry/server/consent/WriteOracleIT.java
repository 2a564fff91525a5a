package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Writes reveal nothing: a reference to a resource the writer may not see is answered exactly like
 * a reference to a missing one, whichever way the write arrives; conditional references are for
 * system clients only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteOracleIT extends ServerIT {

  private static final String FHIR_JSON = "application/fhir+json";

  private String s;
  private String alice;
  private String bob;
  private String aliceObservation;
  private String bobObservation;
  private String bobRelative;
  private String aliceToken;
  private String drToken;
  private String org;
  private String otherOrg;

  @BeforeAll
  void data() {
    s = UUID.randomUUID().toString().substring(0, 8);
    alice = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    bob = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    aliceObservation = observation(alice);
    bobObservation = observation(bob);
    RelatedPerson relative = new RelatedPerson();
    relative.setPatient(new Reference("Patient/" + bob));
    bobRelative = client().create().resource(relative).execute().getId().getIdPart();
    org = "Organization/org-" + s;
    otherOrg = "Organization/other-" + s;
    for (String organization : new String[] {org, otherOrg}) {
      client()
          .update()
          .resource(
              new org.hl7.fhir.r4.model.Organization().setName(organization).setId(organization))
          .execute();
    }
    client()
        .update()
        .resource(
            new org.hl7.fhir.r4.model.Practitioner().setActive(true).setId("Practitioner/dr-" + s))
        .execute();
    aliceToken =
        userToken(
            "alice-" + s,
            TestKeycloak.users().addPatient("alice-" + s, "Patient/" + alice),
            "patient/*.cruds");
    drToken =
        userToken(
            "dr-" + s,
            TestKeycloak.users().addPractitioner("dr-" + s, "Practitioner/dr-" + s, org),
            "user/*.cruds");
  }

  private String observation(String patient) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.setSubject(new Reference("Patient/" + patient));
    return client().create().resource(obs).execute().getId().getIdPart();
  }

  @Test
  void patientsConsent_referencingAHiddenOrAMissingObservation_getsTheSameAnswer() {
    String missing = UUID.randomUUID().toString();
    HttpResponse<String> hidden =
        sendAs(
            aliceToken,
            "POST",
            "/Consent",
            FHIR_JSON,
            consentWithData("Observation/" + bobObservation));
    HttpResponse<String> absent =
        sendAs(
            aliceToken, "POST", "/Consent", FHIR_JSON, consentWithData("Observation/" + missing));
    assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(400);
    assertSameAnswer(hidden, bobObservation, absent, missing);

    HttpResponse<String> own =
        sendAs(
            aliceToken,
            "POST",
            "/Consent",
            FHIR_JSON,
            consentWithData("Observation/" + aliceObservation));
    assertThat(own.statusCode())
        .as("a reference the patient may see is fine: " + own.body())
        .isEqualTo(201);
  }

  @Test
  void patientsConsent_namingAHiddenOrAMissingActor_getsTheSameAnswer() {
    String missing = UUID.randomUUID().toString();
    HttpResponse<String> hidden =
        sendAs(
            aliceToken,
            "POST",
            "/Consent",
            FHIR_JSON,
            ConsentJson.denyActor(alice, "RelatedPerson/" + bobRelative));
    HttpResponse<String> absent =
        sendAs(
            aliceToken,
            "POST",
            "/Consent",
            FHIR_JSON,
            ConsentJson.denyActor(alice, "RelatedPerson/" + missing));
    assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(400);
    assertSameAnswer(hidden, bobRelative, absent, missing);

    HttpResponse<String> directory =
        sendAs(aliceToken, "POST", "/Consent", FHIR_JSON, ConsentJson.denyActor(alice, otherOrg));
    assertThat(directory.statusCode())
        .as("an Organization is directory data: " + directory.body())
        .isEqualTo(201);
  }

  @Test
  void patientsTransactionAndBatch_referencingAHiddenOrAMissingObservation_getTheSameAnswer() {
    String missing = UUID.randomUUID().toString();
    for (String type : new String[] {"transaction", "batch"}) {
      HttpResponse<String> hidden =
          sendAs(
              aliceToken,
              "POST",
              "",
              FHIR_JSON,
              bundle(type, consentWithData("Observation/" + bobObservation)));
      HttpResponse<String> absent =
          sendAs(
              aliceToken,
              "POST",
              "",
              FHIR_JSON,
              bundle(type, consentWithData("Observation/" + missing)));
      if (type.equals("transaction")) {
        assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(400);
      } else {
        assertThat(hidden.body()).as("the batch entry fails").contains("\"400");
      }
      assertSameAnswer(hidden, bobObservation, absent, missing);
    }
  }

  @Test
  void deniedOrganizationsPractitioner_referencingTheDenyingOrAMissingPatient_getsTheSameAnswer() {
    HttpResponse<String> denial =
        send("POST", "/Consent", FHIR_JSON, ConsentJson.denyActor(bob, org));
    assertThat(denial.statusCode()).as(denial.body()).isEqualTo(201);
    String missing = UUID.randomUUID().toString();
    HttpResponse<String> hidden =
        sendAs(drToken, "POST", "/Observation", FHIR_JSON, observationOf("Patient/" + bob));
    HttpResponse<String> absent =
        sendAs(drToken, "POST", "/Observation", FHIR_JSON, observationOf("Patient/" + missing));
    assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(400);
    assertSameAnswer(hidden, bob, absent, missing);

    // an update that would create (a new id) is for system clients only: refused alike, whatever it
    // references
    HttpResponse<String> update =
        sendAs(
            drToken,
            "PUT",
            "/Observation/obs-" + s,
            FHIR_JSON,
            observationOf("Patient/" + bob)
                .replace(
                    "{\"resourceType\":\"Observation\"",
                    "{\"resourceType\":\"Observation\",\"id\":\"obs-" + s + "\""));
    HttpResponse<String> updateAbsent =
        sendAs(
            drToken,
            "PUT",
            "/Observation/obs-" + s,
            FHIR_JSON,
            observationOf("Patient/" + missing)
                .replace(
                    "{\"resourceType\":\"Observation\"",
                    "{\"resourceType\":\"Observation\",\"id\":\"obs-" + s + "\""));
    assertThat(update.statusCode()).isEqualTo(404);
    assertSameAnswer(update, bob, updateAbsent, missing);

    HttpResponse<String> allowed =
        sendAs(drToken, "POST", "/Observation", FHIR_JSON, observationOf("Patient/" + alice));
    assertThat(allowed.statusCode())
        .as("a patient who did not deny the organization: " + allowed.body())
        .isEqualTo(201);
  }

  @Test
  void conditionalReferences_areRefusedForPatients_inPlainWritesTransactionsAndBatches() {
    String identifier = "urn:consentry:test|" + s;
    for (String reference :
        new String[] {
          "Patient?identifier=" + identifier,
          "Patient?_id=" + bob + "&_has:Observation:subject:code=8867-4"
        }) {
      String observation = observationOf(reference);
      assertThat(sendAs(aliceToken, "POST", "/Observation", FHIR_JSON, observation).statusCode())
          .isEqualTo(400);
      HttpResponse<String> transaction =
          sendAs(aliceToken, "POST", "", FHIR_JSON, bundle("transaction", observation));
      assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(400);
      assertThat(transaction.body()).contains("conditional references");
      HttpResponse<String> batch =
          sendAs(aliceToken, "POST", "", FHIR_JSON, bundle("batch", observation));
      assertThat(batch.statusCode()).as(batch.body()).isEqualTo(400);
    }
  }

  @Test
  void systemClients_keepConditionalReferences() {
    Patient patient = new Patient();
    patient.addIdentifier(new Identifier().setSystem("urn:consentry:test").setValue("cond-" + s));
    String id = client().create().resource(patient).execute().getId().getIdPart();
    HttpResponse<String> transaction =
        send(
            "POST",
            "",
            FHIR_JSON,
            bundle(
                "transaction", observationOf("Patient?identifier=urn:consentry:test|cond-" + s)));
    assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(200);
    String location =
        transaction.body().replaceAll("(?s).*\"location\"\\s*:\\s*\"(Observation/[^/\"]+).*", "$1");
    assertThat(get("/" + location).body()).contains("Patient/" + id);
  }

  private static void assertSameAnswer(
      HttpResponse<String> hidden, String hiddenId, HttpResponse<String> absent, String missingId) {
    assertThat(absent.statusCode()).isEqualTo(hidden.statusCode());
    assertThat(normalize(absent.body(), missingId)).isEqualTo(normalize(hidden.body(), hiddenId));
  }

  /**
   * The answers without what legitimately differs: the referenced id and the generated ids and
   * timestamps.
   */
  private static String normalize(String body, String id) {
    return body.replace(id, "ID")
        .replaceAll("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\":\"-\"")
        .replaceAll("\"lastUpdated\"\\s*:\\s*\"[^\"]+\"", "\"lastUpdated\":\"-\"");
  }

  private String consentWithData(String reference) {
    return """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":{"type":"deny","data":[{"meaning":"instance","reference":{"reference":"%s"}}]}}"""
        .formatted(alice, reference);
  }

  private static String observationOf(String subject) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
        + "\"code\":\"8867-4\"}]},\"subject\":{\"reference\":\""
        + subject
        + "\"}}";
  }

  private static String bundle(String type, String resource) {
    String url = resource.contains("\"Consent\"") ? "Consent" : "Observation";
    return """
				{"resourceType":"Bundle","type":"%s","entry":[{"resource":%s,"request":{"method":"POST","url":"%s"}}]}"""
        .formatted(type, resource, url);
  }
}
