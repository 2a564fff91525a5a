package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The door, from outside: pages bound to their requester and decided again when fetched, operations
 * and parameters off the list refused before HAPI runs, hostile input answered with a 4xx and no
 * internal text, and a CapabilityStatement that shows the list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoorIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTERNAL =
      Pattern.compile(
          "(?i)(org\\.(hibernate|postgresql|springframework)|java\\.|\\bat [a-z]+\\.[a-z]|SQLState|ERROR:|syntax error|jdbc|"
              + "Exception\\b)");

  private String patient;
  private String otherPatient;
  private String org;
  private String patientToken;
  private String otherPatientToken;
  private String doctorToken;

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    org = "Organization/door-org-" + s;
    String doctor = "Practitioner/door-dr-" + s;
    client().update().resource(new Organization().setName("Door " + s).setId(org)).execute();
    client().update().resource(new Practitioner().setActive(true).setId(doctor)).execute();
    patient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    otherPatient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    for (int i = 0; i < 3; i++) {
      Observation obs = new Observation();
      obs.setStatus(Observation.ObservationStatus.FINAL);
      obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
      obs.setSubject(new Reference("Patient/" + patient));
      client().create().resource(obs).execute();
    }
    patientToken =
        userToken(
            "door-p-" + s,
            TestKeycloak.users().addPatient("door-p-" + s, "Patient/" + patient),
            "patient/*.cruds");
    otherPatientToken =
        userToken(
            "door-q-" + s,
            TestKeycloak.users().addPatient("door-q-" + s, "Patient/" + otherPatient),
            null);
    doctorToken =
        userToken(
            "door-dr-" + s,
            TestKeycloak.users().addPractitioner("door-dr-" + s, doctor, org),
            null);
  }

  @Test
  void aPage_isServedToItsRequesterOnly_andAnswersLikeAnUnknownSearchToAnyoneElse()
      throws Exception {
    String next =
        nextLink(
            sendAs(
                doctorToken,
                "GET",
                "/Observation?subject=Patient/" + patient + "&_count=1",
                null,
                null));
    assertThat(next).contains("_getpages=");

    HttpResponse<String> own = sendAs(doctorToken, "GET", next, null, null);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(entries(own)).hasSize(1);

    String searchId = next.replaceAll(".*_getpages=([A-Za-z0-9\\-]+).*", "$1");
    String unknown = next.replace(searchId, UUID.randomUUID().toString());
    HttpResponse<String> forUnknown = sendAs(otherPatientToken, "GET", unknown, null, null);
    for (String token : List.of(otherPatientToken, patientToken, ehrToken())) {
      HttpResponse<String> stolen = sendAs(token, "GET", next, null, null);
      assertThat(stolen.statusCode()).isEqualTo(forUnknown.statusCode()).isEqualTo(410);
      assertThat(stolen.body().replace(searchId, "ID"))
          .isEqualTo(
              forUnknown
                  .body()
                  .replaceAll(
                      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID"));
    }
  }

  @Test
  void aPage_isDecidedAgainWhenFetched_soARevocationAppliesToTheNextPage() throws Exception {
    String next =
        nextLink(
            sendAs(
                doctorToken,
                "GET",
                "/Observation?subject=Patient/" + patient + "&_count=1",
                null,
                null));
    String deny =
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},
				 "provision":{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				  "reference":{"reference":"%s"}}]}}"""
            .formatted(patient, org);
    HttpResponse<String> consent =
        sendAs(patientToken, "POST", "/Consent", "application/fhir+json", deny);
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
    try {
      HttpResponse<String> page = sendAs(doctorToken, "GET", next, null, null);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(entries(page)).isEmpty();
    } finally {
      String id = JSON.readTree(consent.body()).get("id").asText();
      assertThat(sendAs(patientToken, "DELETE", "/Consent/" + id, null, null).statusCode())
          .isIn(200, 204);
    }
  }

  @Test
  void operationsAndInteractionsOffTheList_areRefusedBeforeHapiRuns() {
    String obs = "/Observation?subject=Patient/" + patient;
    for (String[] call :
        List.of(
            new String[] {"GET", "/$get-resource-counts"},
            new String[] {"GET", "/Observation/$meta"},
            new String[] {"GET", "/$meta"},
            new String[] {"POST", "/Patient/" + patient + "/$validate?mode=delete"},
            new String[] {"GET", "/Patient/" + patient + "/$diff"},
            new String[] {"POST", "/$expunge"},
            new String[] {"GET", "/Encounter/x/$everything"},
            new String[] {"GET", "/Observation/_history"},
            new String[] {"GET", "/_history"})) {
      HttpResponse<String> response = sendAs(doctorToken, call[0], call[1], null, null);
      if (call[1].contains("$diff") || call[1].contains("$expunge")) {
        // not even registered with HAPI: refused as unknown before any handler runs
        assertThat(response.statusCode()).as(call[1] + " " + response.body()).isIn(400, 403);
        continue;
      }
      assertThat(response.statusCode()).as(call[1] + " " + response.body()).isEqualTo(403);
      assertThat(response.body()).contains("OperationOutcome").contains("not offered");
    }
    assertThat(sendAs(doctorToken, "GET", obs, null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/Observation/_history?_count=1", null, null).statusCode())
        .as("EHR systems sync by history")
        .isEqualTo(200);
  }

  @Test
  void searchParametersOffTheList_get400_withTheReason() {
    for (String query :
        List.of(
            "/Patient?_has:Observation:nonsense:code=8867-4",
            "/Observation?code.name=x",
            "/Observation?consentry-owner=x",
            "/Observation?_filter=code eq x",
            "/Observation?_list=x",
            "/Observation?_total=sometimes",
            "/Observation?no-such-parameter=1",
            "/Observation?code:nonsense=1",
            "/Observation?subject:above=Patient/1",
            "/Observation?_include=garbage",
            "/Observation?_count=abc",
            "/Observation?_offset=-1",
            "/Observation?_count=-5")) {
      HttpResponse<String> response =
          sendAs(doctorToken, "GET", query.replace(" ", "%20"), null, null);
      assertThat(response.statusCode()).as(query + " " + response.body()).isEqualTo(400);
      assertThat(response.body()).contains("OperationOutcome");
    }
  }

  @Test
  void hostileInput_getsA4xx_andNoInternalText() {
    for (String path :
        List.of(
            "/Patient/" + patient + "/$everything?_count=abc",
            "/Patient?_id=%00",
            "/Patient?name=%00x",
            "/Patient/%00",
            "/Observation?_offset=-1",
            "/Observation?_getpages=x&_getpagesoffset=99999999999",
            "/?_getpages=abc&_getpagesoffset=-3",
            "/Observation?date=notadate",
            "/Observation?_sort=nonsense",
            "/Observation?value-quantity=abc")) {
      for (String token : List.of(ehrToken(), doctorToken, patientToken)) {
        HttpResponse<String> response = sendAs(token, "GET", path, null, null);
        assertThat(response.statusCode()).as(path + " " + response.body()).isBetween(400, 499);
        assertThat(INTERNAL.matcher(response.body()).find())
            .as(path + " " + response.body())
            .isFalse();
      }
    }
    assertThat(sendAs(doctorToken, "PROPFIND", "/Observation", null, null).statusCode())
        .isEqualTo(405);
    assertThat(
            sendAs(doctorToken, "POST", "/Observation", "application/fhir+json", null).statusCode())
        .isEqualTo(400);
    assertThat(sendAs(patientToken, "GET", "/$consent-decision", null, null).statusCode())
        .isEqualTo(400);
    assertThat(sendAs(doctorToken, "GET", "/Observation?_format=ttl", null, null).statusCode())
        .isEqualTo(400);
    HttpResponse<String> nul =
        sendAs(
            patientToken,
            "POST",
            "/Observation",
            "application/fhir+json",
            """
				{"resourceType":"Observation","status":"final","code":{"text":"a\\u0000b"},"subject":{"reference":"Patient/%s"}}"""
                .formatted(patient));
    assertThat(nul.statusCode()).as(nul.body()).isBetween(400, 499);
    assertThat(INTERNAL.matcher(nul.body()).find()).as(nul.body()).isFalse();
  }

  @Test
  void onlySystems_createWithAnIdOfTheirChoosing() {
    String free = UUID.randomUUID().toString();
    HttpResponse<String> byPatient =
        sendAs(
            patientToken,
            "PUT",
            "/Observation/" + free,
            "application/fhir+json",
            """
				{"resourceType":"Observation","id":"%s","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/%s"}}"""
                .formatted(free, patient));
    assertThat(byPatient.statusCode()).isEqualTo(404);
    assertThat(byPatient.body()).contains("Resource Observation/" + free + " is not known");
    HttpResponse<String> byPost =
        sendAs(
            patientToken,
            "POST",
            "/Observation",
            "application/fhir+json",
            """
				{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/%s"}}"""
                .formatted(patient));
    assertThat(byPost.statusCode()).as(byPost.body()).isEqualTo(201);
  }

  @Test
  void capabilityStatement_showsTheListAndNothingMore() throws Exception {
    JsonNode rest =
        JSON.readTree(sendAs(null, "GET", "/metadata", null, null).body()).get("rest").get(0);
    List<String> systemOperations = names(rest.get("operation"));
    assertThat(systemOperations)
        .contains("export", "consent-decision")
        .doesNotContain("get-resource-counts", "expunge", "reindex", "meta");
    for (JsonNode resource : rest.get("resource")) {
      List<String> operations = names(resource.get("operation"));
      assertThat(operations).doesNotContain("diff", "expunge", "reindex");
      if (resource.get("type").asText().equals("Patient")) {
        assertThat(operations).contains("everything", "meta");
      }
      if (resource.get("type").asText().equals("Encounter")) {
        assertThat(operations).doesNotContain("everything");
      }
    }
  }

  private static List<String> names(JsonNode operations) {
    if (operations == null) {
      return List.of();
    }
    List<String> names = new java.util.ArrayList<>();
    operations.forEach(o -> names.add(o.get("name").asText().replace("$", "")));
    return names;
  }

  private static String nextLink(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    for (JsonNode link : JSON.readTree(response.body()).path("link")) {
      if (link.get("relation").asText().equals("next")) {
        return link.get("url").asText();
      }
    }
    throw new AssertionError("no next link in " + response.body());
  }

  private static List<JsonNode> entries(HttpResponse<String> response) throws Exception {
    List<JsonNode> entries = new java.util.ArrayList<>();
    JSON.readTree(response.body()).path("entry").forEach(entries::add);
    return entries;
  }
}
