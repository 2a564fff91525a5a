package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End-to-end consent scenarios on a fresh pair of patients: a patient denies an organization,
 * permits one practitioner but hides mental-health data from everyone else, permits research,
 * revokes, and emergency access; with a leak check on each read path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private String p1;
  private String p2;
  private String encounter1;
  private String obs1;
  private String psyCondition1;
  private String obs2;
  private String orgA;
  private String drX;
  private String drXToken;
  private String drYToken;
  private String p1User;
  private String p1Password;
  private String ritaToken;
  private final List<String> consents = new ArrayList<>();

  /**
   * A code only this run's Observations carry, so paging tests see just them whatever else is
   * stored.
   */
  private String runCode;

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    runCode = "consent-it-" + s;
    orgA = "Organization/org-a-" + s;
    drX = "Practitioner/dr-x-" + s;
    for (String ref : List.of(orgA, "Organization/org-b-" + s)) {
      client()
          .update()
          .resource(new org.hl7.fhir.r4.model.Organization().setName(ref).setId(ref))
          .execute();
    }
    for (String ref : List.of(drX, "Practitioner/dr-y-" + s)) {
      client()
          .update()
          .resource(new org.hl7.fhir.r4.model.Practitioner().setActive(true).setId(ref))
          .execute();
    }
    p1 = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    p2 = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Encounter encounter = new Encounter();
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.setSubject(new Reference("Patient/" + p1));
    encounter1 = client().create().resource(encounter).execute().getId().getIdPart();
    obs1 = observation(p1, encounter1);
    obs2 = observation(p2, null);
    Condition psy = new Condition();
    psy.setSubject(new Reference("Patient/" + p1));
    psy.getCode()
        .addCoding(new Coding("http://snomed.info/sct", "35489007", "Depressive disorder"));
    psy.getMeta().addSecurity(new Coding(ACT_CODE, "PSY", null));
    psyCondition1 = client().create().resource(psy).execute().getId().getIdPart();

    // dr X may break the glass: the identity provider grants emergency access (realm role
    // purpose:ETREAT)
    String xPassword =
        TestKeycloak.users().addPractitioner("dr-x-" + s, drX, orgA, java.util.Set.of("ETREAT"));
    String yPassword =
        TestKeycloak.users()
            .addPractitioner("dr-y-" + s, "Practitioner/dr-y-" + s, "Organization/org-b-" + s);
    drXToken = userToken("dr-x-" + s, xPassword, "user/*.cruds");
    drYToken = userToken("dr-y-" + s, yPassword, null);
    p1User = "p1-" + s;
    p1Password = TestKeycloak.users().addPatient(p1User, "Patient/" + p1);
    ritaToken = userToken("rita-c-" + s, TestKeycloak.users().addResearcher("rita-c-" + s), null);
  }

  @AfterEach
  void revokeAll() {
    for (String consent : consents) {
      assertThat(sendAs(p1Token(), "DELETE", "/" + consent, null, null).statusCode())
          .isIn(200, 204);
    }
    consents.clear();
  }

  private String observation(String patient, String encounter) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.getCode().addCoding().setSystem("urn:consentry:test").setCode(runCode);
    obs.addIdentifier().setSystem("urn:consentry:test").setValue(runCode + "-" + patient);
    obs.setSubject(new Reference("Patient/" + patient));
    if (encounter != null) {
      obs.setEncounter(new Reference("Encounter/" + encounter));
    }
    return client().create().resource(obs).execute().getId().getIdPart();
  }

  private String p1Token() {
    return userToken(p1User, p1Password, "patient/*.cruds");
  }

  private String consent(String json) {
    HttpResponse<String> created =
        sendAs(p1Token(), "POST", "/Consent", "application/fhir+json", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = "Consent/" + read(created.body()).get("id").asText();
    consents.add(id);
    return id;
  }

  @Test
  void deniedOrganization_seesNoneOfThePatientsData_byAnyPath_untilRevoked() throws Exception {
    assertThat(visible(drXToken, "/Observation/" + obs1)).isTrue();
    String consent = consent(ConsentJson.denyActor(p1, orgA));

    assertThat(status(drXToken, "/Observation/" + obs1)).isEqualTo(404);
    assertThat(status(drXToken, "/Patient/" + p1)).isEqualTo(404);
    assertThat(status(drXToken, "/Observation/" + obs1 + "/_history/1")).isEqualTo(404);
    assertThat(body(drXToken, "/Observation?patient=" + p1)).doesNotContain(obs1);
    assertThat(body(drXToken, "/Observation?patient=" + p1)).doesNotContain("\"total\": 1");
    assertThat(
            body(drXToken, "/Encounter?_id=" + encounter1 + "&_revinclude=Observation:encounter"))
        .doesNotContain(obs1);
    assertThat(body(drXToken, "/Observation?_id=" + obs1 + "&_include=Observation:subject"))
        .doesNotContain(p1);
    // instance-level paths of a hidden resource answer like a missing one
    assertThat(status(drXToken, "/Patient/" + p1 + "/$everything")).isEqualTo(404);
    assertThat(status(drXToken, "/Observation/" + obs1 + "/_history")).isEqualTo(404);
    // type and server history are for system clients (EHR synchronisation)
    assertThat(status(drXToken, "/Observation/_history?_count=500")).isEqualTo(403);
    assertThat(status(drXToken, "/_history?_count=500")).isEqualTo(403);
    assertThat(
            read(body(drXToken, "/Observation?patient=" + p1 + "&_summary=count"))
                .path("total")
                .asInt())
        .as("counts are the requester's own")
        .isZero();
    String batch =
        """
				{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Observation/%s"}},
				 {"request":{"method":"GET","url":"Observation?patient=%s"}}]}"""
            .formatted(obs1, p1);
    HttpResponse<String> batchResponse =
        sendAs(drXToken, "POST", "", "application/fhir+json", batch);
    assertThat(batchResponse.body()).doesNotContain("\"id\": \"" + obs1);
    assertThat(
            pagedIds(drXToken, "/Observation?code=urn:consentry:test%7C" + runCode + "&_count=1"))
        .doesNotContain(obs1)
        .contains(obs2);
    assertThat(
            pagedIds(drYToken, "/Observation?code=urn:consentry:test%7C" + runCode + "&_count=1"))
        .contains(obs1, obs2);
    assertThat(pagedIds(drXToken, "/Observation?subject:Patient._id=" + p1)).isEmpty();
    assertThat(
            pagedIds(
                drXToken,
                "/Patient?_id=" + p1 + "," + p2 + "&_has:Observation:patient:code=8867-4"))
        .containsExactly(p2);

    // everybody else is unaffected
    assertThat(visible(drXToken, "/Observation/" + obs2)).isTrue();
    assertThat(visible(drYToken, "/Observation/" + obs1)).isTrue();
    assertThat(visible(ehrToken(), "/Observation/" + obs1)).isTrue();
    assertThat(visible(p1Token(), "/Observation/" + obs1))
        .as("patients always see their own record")
        .isTrue();

    // revoking takes effect on the very next request
    assertThat(sendAs(p1Token(), "DELETE", "/" + consent, null, null).statusCode()).isIn(200, 204);
    consents.remove(consent);
    assertThat(visible(drXToken, "/Observation/" + obs1)).isTrue();
    assertThat(body(drXToken, "/Observation?patient=" + p1)).contains(obs1);
  }

  @Test
  void ehrClientActingForADeniedOrganization_seesNoneOfThePatientsData() {
    String client = "ehr-a-" + runCode;
    String secret =
        org.consentry.server.security.RealmFixtures.confidentialClient(
            client, List.of("system/*.*"));
    TestKeycloak.users().setClientOrganization(client, orgA);
    String token =
        new org.consentry.cli.identity.TokenClient(TestKeycloak.admin().issuer())
            .clientCredentials(client, secret, null);
    assertThat(visible(token, "/Observation/" + obs1)).isTrue();
    consent(ConsentJson.denyActor(p1, orgA));
    assertThat(status(token, "/Observation/" + obs1)).isEqualTo(404);
    assertThat(body(token, "/Observation?patient=" + p1)).doesNotContain(obs1);
    assertThat(visible(token, "/Observation/" + obs2)).isTrue();
  }

  @Test
  void hiddenResource_cannotBeUpdatedOrDeleted_andLooksAbsent() {
    consent(ConsentJson.denyActor(p1, orgA));
    String update =
        """
				{"resourceType":"Observation","id":"%s","status":"amended","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
				 "subject":{"reference":"Patient/%s"}}"""
            .formatted(obs1, p1);
    assertThat(
            sendAs(drXToken, "PUT", "/Observation/" + obs1, "application/fhir+json", update)
                .statusCode())
        .isEqualTo(404);
    assertThat(sendAs(drXToken, "DELETE", "/Observation/" + obs1, null, null).statusCode())
        .isEqualTo(404);
    assertThat(visible(ehrToken(), "/Observation/" + obs1)).as("still stored").isTrue();
  }

  @Test
  void conditionalWrites_byUsers_areRefusedAlike_whetherAHiddenMatchExistsOrNot() throws Exception {
    consent(ConsentJson.denyActor(p1, orgA));
    String hidden = "identifier=urn:consentry:test%7C" + runCode + "-" + p1;
    String none = "identifier=urn:consentry:test%7Cnever-" + UUID.randomUUID();
    String body =
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
            + "\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":\"Patient/"
            + p2
            + "\"}}";
    for (String match : List.of(hidden, none)) {
      HttpResponse<String> create = conditionalCreate(match, body);
      assertThat(create.statusCode()).as(create.body()).isEqualTo(400);
      assertThat(create.body()).contains("conditional").doesNotContain(obs1);
      assertThat(
              sendAs(drXToken, "PUT", "/Observation?" + match, "application/fhir+json", body)
                  .statusCode())
          .isEqualTo(400);
      assertThat(sendAs(drXToken, "DELETE", "/Observation?" + match, null, null).statusCode())
          .isEqualTo(400);
    }
    String transaction =
        """
				{"resourceType":"Bundle","type":"transaction","entry":[{"resource":%s,
				 "request":{"method":"POST","url":"Observation","ifNoneExist":"%s"}}]}"""
            .formatted(body, hidden.replace("%7C", "|"));
    HttpResponse<String> tx = sendAs(drXToken, "POST", "", "application/fhir+json", transaction);
    assertThat(tx.statusCode()).as(tx.body()).isEqualTo(400);
    assertThat(visible(ehrToken(), "/Observation/" + obs1))
        .as("nothing touched the hidden match")
        .isTrue();
  }

  private HttpResponse<String> conditionalCreate(String match, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + "/Observation"))
            .header("Authorization", "Bearer " + drXToken)
            .header("Content-Type", "application/fhir+json")
            .header("If-None-Exist", match)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void mentalHealthData_onlyForThePermittedPractitioner() {
    consent(ConsentJson.mentalHealthOnlyFor(p1, drX));
    assertThat(visible(drXToken, "/Condition/" + psyCondition1)).isTrue();
    assertThat(status(drYToken, "/Condition/" + psyCondition1)).isEqualTo(404);
    assertThat(body(drYToken, "/Condition?patient=" + p1)).doesNotContain(psyCondition1);
    assertThat(visible(drYToken, "/Observation/" + obs1))
        .as("unlabelled data stays visible")
        .isTrue();
  }

  @Test
  void research_isOptIn_andResearchersNeverReadIdentifiedData() {
    String decision =
        "/$consent-decision?resource=Observation/"
            + obs1
            + "&actor=Organization/study&purpose=HRESCH";
    assertThat(body(ehrToken(), decision)).contains("\"deny\"");
    consent(ConsentJson.permitResearch(p1));
    assertThat(body(ehrToken(), decision)).contains("\"permit\"");
    // even with the patient's permit, a researcher gets no identified record through the FHIR API
    assertThat(status(ritaToken, "/Observation?patient=" + p1)).isEqualTo(403);
    assertThat(status(ritaToken, "/Observation/" + obs1)).isEqualTo(403);
    assertThat(status(ritaToken, "/Organization?_count=1"))
        .as("directory data stays open to them")
        .isEqualTo(200);
  }

  @Test
  void emergencyAccess_overridesDeny_isMarkedAndAudited_unlessThePatientRefusedIt()
      throws Exception {
    consent(ConsentJson.denyActor(p1, orgA));
    HttpResponse<String> emergency = sendWithPurpose(drXToken, "/Observation/" + obs1, "ETREAT");
    assertThat(emergency.statusCode()).isEqualTo(200);
    assertThat(emergency.headers().firstValue(ConsentRules.ACCESS_HEADER).orElse(""))
        .contains("emergency-override")
        .contains("Patient/" + p1);
    assertThat(body(auditorToken(), "/AuditEvent?patient=Patient/" + p1))
        .contains("ETREAT")
        .contains("110127") // Emergency Override Started
        .contains(drX);
    assertThat(sendWithPurpose(drYToken, "/Observation/" + obs1, "ETREAT").statusCode())
        .as("a practitioner not granted emergency access cannot claim it")
        .isEqualTo(403);

    consent(ConsentJson.denyEmergency(p1));
    assertThat(sendWithPurpose(drXToken, "/Observation/" + obs1, "ETREAT").statusCode())
        .isEqualTo(404);
  }

  @Test
  void consentLifecycle_onlyThePatientOrAnEhrWritesIt() {
    assertThat(
            sendAs(
                    drXToken,
                    "POST",
                    "/Consent",
                    "application/fhir+json",
                    ConsentJson.denyActor(p1, orgA))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            sendAs(
                    p1Token(),
                    "POST",
                    "/Consent",
                    "application/fhir+json",
                    ConsentJson.denyActor(p2, orgA))
                .statusCode())
        .isEqualTo(403);
    HttpResponse<String> byEhr =
        send("POST", "/Consent", "application/fhir+json", ConsentJson.denyActor(p1, orgA));
    assertThat(byEhr.statusCode()).isEqualTo(201);
    consents.add("Consent/" + read(byEhr.body()).get("id").asText());
    assertThat(status(drXToken, "/Observation/" + obs1)).isEqualTo(404);
  }

  @Test
  void consentDecision_explainsWhichConsentAndProvision() throws Exception {
    String consent = consent(ConsentJson.denyActor(p1, orgA));
    JsonNode denied =
        read(
            body(ehrToken(), "/$consent-decision?resource=Observation/" + obs1 + "&actor=" + orgA));
    assertThat(denied.toString()).contains("\"deny\"").contains(consent).contains("provision");
    JsonNode permitted =
        read(
            body(
                ehrToken(),
                "/$consent-decision?resource=Observation/"
                    + obs1
                    + "&actor=Organization/elsewhere&purpose=TREAT"));
    assertThat(permitted.toString()).contains("\"permit\"").contains("default policy");
    // not on the practitioners' list: refused alike whatever the resource
    assertThat(
            status(drYToken, "/$consent-decision?resource=Observation/" + obs1 + "&actor=" + orgA))
        .isEqualTo(403);
    assertThat(
            status(
                drYToken,
                "/$consent-decision?resource=Observation/missing-" + obs1 + "&actor=" + orgA))
        .isEqualTo(403);
  }

  @Test
  void bulkExport_ofADeniedOrganization_leavesOutThePatientsData() throws Exception {
    consent(ConsentJson.denyActor(p1, orgA));
    List<String> exported = exportObservations(drXToken);
    assertThat(exported).as("the other patient's data is exported").anyMatch(l -> l.contains(obs2));
    assertThat(exported)
        .noneMatch(l -> l.contains(obs1))
        .noneMatch(l -> l.contains("Patient/" + p1 + "\""));
    assertThat(exportObservations(drYToken)).anyMatch(l -> l.contains(obs1));
  }

  @Test
  void exportFiles_areReadableOnlyByTheirRequester() throws Exception {
    List<String> urls = exportFiles(drYToken);
    assertThat(urls).isNotEmpty();
    for (String url : urls) {
      assertThat(sendAs(drYToken, "GET", url, null, null).statusCode()).isEqualTo(200);
      assertThat(sendAs(drXToken, "GET", url, null, null).statusCode())
          .as("another user")
          .isEqualTo(404);
    }
  }

  /**
   * Kicks off a system export of Observations as the given requester, waits, and returns the NDJSON
   * lines.
   */
  private List<String> exportObservations(String token) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String url : exportFiles(token)) {
      HttpResponse<String> file =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Accept", "application/fhir+ndjson")
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      file.body().lines().filter(l -> !l.isBlank()).forEach(lines::add);
    }
    return lines;
  }

  /**
   * Kicks off a system export of Observations as the given requester, waits, and returns the file
   * URLs.
   */
  private List<String> exportFiles(String token) throws Exception {
    HttpResponse<String> kickOff =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/$export?_type=Observation"))
                .header("Prefer", "respond-async")
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
    String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
    long deadline = System.currentTimeMillis() + 120_000;
    HttpResponse<String> poll;
    do {
      Thread.sleep(500);
      poll = sendAs(token, "GET", status, null, null);
    } while (poll.statusCode() == 202 && System.currentTimeMillis() < deadline);
    assertThat(poll.statusCode()).as(poll.body()).isEqualTo(200);
    List<String> urls = new ArrayList<>();
    read(poll.body()).path("output").forEach(output -> urls.add(output.get("url").asText()));
    return urls;
  }

  // ---- helpers ----

  private boolean visible(String token, String path) {
    return status(token, path) == 200;
  }

  private int status(String token, String path) {
    return sendAs(token, "GET", path, null, null).statusCode();
  }

  private String body(String token, String path) {
    HttpResponse<String> response = sendAs(token, "GET", path, null, null);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private List<String> pagedIds(String token, String path) throws Exception {
    List<String> ids = new ArrayList<>();
    String next = path;
    for (int page = 0; next != null && page < 200; page++) {
      JsonNode bundle = read(body(token, next));
      bundle.path("entry").forEach(e -> ids.add(e.path("resource").path("id").asText()));
      next = null;
      for (JsonNode link : bundle.path("link")) {
        if (link.path("relation").asText().equals("next")) {
          next = link.path("url").asText();
        }
      }
    }
    assertThat(ids).as("each visible resource exactly once").doesNotHaveDuplicates();
    return ids;
  }

  private HttpResponse<String> sendWithPurpose(String token, String path, String purpose)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + token)
            .header("X-Purpose-Of-Use", purpose)
            .header("Accept", "application/fhir+json")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
