package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bulk Data export leaks neither data nor existence: a job is polled and cancelled by its requester
 * only (anyone else gets the answer of an unknown job id), filters test nothing but the exported
 * resources, emergency access cannot export, and a hidden Patient or Group kicks off exactly like a
 * missing one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportAccessIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private String visible;
  private String hidden;
  private String deleted;
  private String visibleGroup;
  private String hiddenGroup;
  private String drAToken;
  private String drBToken;

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    String orgA = "Organization/export-a-" + s;
    String orgB = "Organization/export-b-" + s;
    for (String org : List.of(orgA, orgB)) {
      client().update().resource(new Organization().setName(org).setId(org)).execute();
    }
    for (String dr : List.of("dr-a-" + s, "dr-b-" + s)) {
      client()
          .update()
          .resource(new Practitioner().setActive(true).setId("Practitioner/" + dr))
          .execute();
    }
    visible = patient();
    hidden = patient();
    deleted = patient();
    assertThat(send("DELETE", "/Patient/" + deleted, null, null).statusCode()).isIn(200, 204);
    visibleGroup = group(visible);
    hiddenGroup = group(hidden);
    HttpResponse<String> consent =
        send("POST", "/Consent", "application/fhir+json", ConsentJson.denyActor(hidden, orgA));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);

    // granted emergency access, so that the emergency test shows the export refusal, not a missing
    // grant
    drAToken =
        userToken(
            "dr-a-" + s,
            TestKeycloak.users()
                .addPractitioner(
                    "dr-a-" + s, "Practitioner/dr-a-" + s, orgA, java.util.Set.of("ETREAT")),
            "user/*.cruds");
    drBToken =
        userToken(
            "dr-b-" + s,
            TestKeycloak.users().addPractitioner("dr-b-" + s, "Practitioner/dr-b-" + s, orgB),
            "user/*.cruds");
  }

  private String patient() {
    return client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private String group(String member) {
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
    group.addMember().setEntity(new Reference("Patient/" + member));
    return client().create().resource(group).execute().getId().getIdPart();
  }

  @Test
  void pollAndCancel_byAnotherRequester_answerAsAnUnknownJob_andTheOwnerStillGetsTheFiles()
      throws Exception {
    String job = kickOff(drAToken, "/$export?_type=Patient&_typeFilter=Patient%3F_id%3D" + visible);
    String unknown = UUID.randomUUID().toString();

    for (String other : List.of(drBToken, ehrToken())) {
      for (String method : List.of("GET", "DELETE")) {
        HttpResponse<String> foreign =
            sendAs(other, method, "/$export-poll-status?_jobId=" + job, null, null);
        HttpResponse<String> none =
            sendAs(other, method, "/$export-poll-status?_jobId=" + unknown, null, null);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(404);
        assertSameAnswer(foreign, job, none, unknown);
      }
      String body =
          "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_jobId\",\"valueString\":\"%s\"}]}";
      assertSameAnswer(
          sendAs(
                  other,
                  "POST",
                  "/$export-poll-status",
                  "application/fhir+json",
                  body.formatted(job)),
              job,
          sendAs(
                  other,
                  "POST",
                  "/$export-poll-status",
                  "application/fhir+json",
                  body.formatted(unknown)),
              unknown);
    }

    // nobody else's DELETE cancelled it: the owner polls to the end and downloads the file
    JsonNode manifest = awaitManifest(drAToken, job);
    List<String> lines = new ArrayList<>();
    for (JsonNode output : manifest.get("output")) {
      HttpResponse<String> file =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(output.get("url").asText()))
                  .header("Accept", "application/fhir+ndjson")
                  .header("Authorization", "Bearer " + drAToken)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(file.statusCode()).isEqualTo(200);
      file.body().lines().filter(l -> !l.isBlank()).forEach(lines::add);
    }
    assertThat(lines).hasSize(1).allMatch(l -> l.contains("\"id\":\"" + visible + "\""));

    // for anyone else the file is absent: read, search and history alike
    String url = manifest.get("output").get(0).get("url").asText();
    String file = url.substring(url.lastIndexOf('/') + 1);
    // (the body of a hidden resource's 404 is made the same as a missing one's by the canonical 404
    // handling)
    HttpResponse<String> read = sendAs(drBToken, "GET", "/Binary/" + file, null, null);
    assertThat(read.statusCode()).isEqualTo(404);
    assertThat(read.body()).contains("Binary/" + file + " is not known");
    // (server history is for system clients: the EHR, another requester, must not see the file
    // either)
    for (String[] call :
        List.of(
            new String[] {drBToken, "/Binary?_id=" + file},
            new String[] {ehrToken(), "/_history?_count=100"})) {
      String path = call[1];
      HttpResponse<String> response = sendAs(call[0], "GET", path, null, null);
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
      assertThat(response.body())
          .as(path)
          .doesNotContain("\"id\":\"" + file)
          .doesNotContain("Binary/" + file + "\"");
    }
    assertThat(sendAs(drBToken, "GET", "/Binary?_id=" + file, null, null).body())
        .doesNotContain("\"entry\"")
        .doesNotContain("\"total\"");
    assertThat(sendAs(drAToken, "GET", "/Binary?_id=" + file, null, null).body())
        .contains("\"id\":\"" + file);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "/$export?_typeFilter=Observation%3F_has%3AObservation%3Apatient%3Acode%3D8867-4;  _has:Observation:patient:code",
        "/$export?_type=Observation&_typeFilter=Observation%3Fsubject.name%3DAna;          subject.name",
        "/$export?_typeFilter=Observation%3F_list%3DList%2F1;                              _list",
        "/$export?_typeFilter=Observation%3F_include%3DObservation%3Asubject;              _include",
        "/$export?_typeFilter=Observation%3Fnot-a-parameter%3D1;                           not-a-parameter",
        "/$export?_type=Patient,NotAType;                                                  NotAType",
        "/Patient/$export?_typePostFetchFilterUrl=Patient%3F_has%3AGroup%3Amember%3A_id%3D1; _has:Group:member:_id",
      })
  void exportFilters_thatTestOtherResourcesOrAreUnknown_are400_namingTheParameter(
      String path, String parameter) {
    HttpResponse<String> response = exportRequest(drAToken, path, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("'" + parameter + "'");
    assertThat(response.headers().firstValue("Content-Location")).as("no job started").isEmpty();
  }

  @Test
  void exportFilters_inAPostedParametersBody_areCheckedToo() {
    String body =
        """
				{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient"},
				 {"name":"_typeFilter","valueString":"Patient?_has:Observation:patient:code=8867-4"}]}""";
    HttpResponse<String> response = postExport(drAToken, "/$export", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("'_has:Observation:patient:code'");
  }

  @Test
  void emergencyAccess_cannotExport_andIsToldWhatToUseInstead() {
    for (String path :
        List.of(
            "/$export?_type=Patient",
            "/Patient/" + visible + "/$export",
            "/Group/" + visibleGroup + "/$export")) {
      HttpResponse<String> response = exportRequest(drAToken, path, "ETREAT");
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(403);
      assertThat(response.body()).contains("ETREAT").contains("$everything");
      assertThat(response.headers().firstValue("Content-Location")).as("no job started").isEmpty();
    }
    assertThat(
            exportRequest(
                    drAToken, "/$export?_type=Patient&_typeFilter=Patient%3F_id%3D" + visible, null)
                .statusCode())
        .as("the same export without emergency access")
        .isEqualTo(202);
  }

  @Test
  void hiddenPatientOrGroup_kicksOffExactlyLikeAMissingOrDeletedOne() {
    String missing = "missing-" + UUID.randomUUID();
    assertSame404("/Patient/%s/$export?_type=Patient", hidden, missing, deleted);
    assertSame404("/Patient/$export", hidden, missing, deleted);
    assertSame404("/Group/%s/$export?_type=Patient", hiddenGroup, missing);

    // controls: what the requester may see starts a job, and another organization sees the hidden
    // patient
    assertThat(
            exportRequest(drAToken, "/Patient/" + visible + "/$export?_type=Patient", null)
                .statusCode())
        .isEqualTo(202);
    assertThat(
            exportRequest(drAToken, "/Group/" + visibleGroup + "/$export?_type=Patient", null)
                .statusCode())
        .isEqualTo(202);
    assertThat(
            postExport(
                    drAToken,
                    "/Patient/$export",
                    """
				{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient"},
				 {"name":"patient","valueReference":{"reference":"Patient/%s"}}]}"""
                        .formatted(visible))
                .statusCode())
        .isEqualTo(202);
    assertThat(
            exportRequest(drBToken, "/Patient/" + hidden + "/$export?_type=Patient", null)
                .statusCode())
        .isEqualTo(202);
    assertThat(
            exportRequest(drBToken, "/Group/" + hiddenGroup + "/$export?_type=Patient", null)
                .statusCode())
        .isEqualTo(202);
  }

  /**
   * Kicks off the path with each id as requester A: one 404, the same body once the ids are set
   * aside. A path without a placeholder is POSTed with the id as its {@code patient} parameter
   * (HAPI takes that parameter from a body only).
   */
  private void assertSame404(String pathTemplate, String... ids) {
    String expected = null;
    for (String id : ids) {
      HttpResponse<String> response =
          pathTemplate.contains("%s")
              ? exportRequest(drAToken, pathTemplate.formatted(id), null)
              : postExport(
                  drAToken,
                  pathTemplate,
                  """
							{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient"},
							 {"name":"patient","valueReference":{"reference":"Patient/%s"}}]}"""
                      .formatted(id));
      assertThat(response.statusCode()).as(id + ": " + response.body()).isEqualTo(404);
      String body = response.body().replace(id, "ID");
      if (expected == null) {
        expected = body;
      }
      assertThat(body).as(pathTemplate.formatted(id)).isEqualTo(expected);
    }
  }

  /**
   * The same status, body and headers (but the date), once each job id is replaced by a
   * placeholder.
   */
  private static void assertSameAnswer(
      HttpResponse<String> a, String idA, HttpResponse<String> b, String idB) {
    assertThat(a.statusCode()).as(a.body()).isEqualTo(b.statusCode());
    assertThat(a.body().replace(idA, "JOB")).isEqualTo(b.body().replace(idB, "JOB"));
    assertThat(headers(a)).isEqualTo(headers(b));
  }

  private static Map<String, List<String>> headers(HttpResponse<String> response) {
    Map<String, List<String>> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
    headers.remove("date");
    headers.remove("x-request-id"); // a fresh id per request
    return headers;
  }

  private String kickOff(String token, String path) {
    HttpResponse<String> response = exportRequest(token, path, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    String location = response.headers().firstValue("Content-Location").orElseThrow();
    return location.substring(location.indexOf("_jobId=") + "_jobId=".length());
  }

  private HttpResponse<String> exportRequest(String token, String path, String purpose) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Prefer", "respond-async")
            .header("Accept", "application/fhir+json")
            .header("Authorization", "Bearer " + token)
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

  private HttpResponse<String> postExport(String token, String path, String parameters) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(base() + path))
              .header("Prefer", "respond-async")
              .header("Accept", "application/fhir+json")
              .header("Content-Type", "application/fhir+json")
              .header("Authorization", "Bearer " + token)
              .POST(HttpRequest.BodyPublishers.ofString(parameters))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode awaitManifest(String token, String job) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    HttpResponse<String> poll;
    do {
      Thread.sleep(500);
      poll = sendAs(token, "GET", "/$export-poll-status?_jobId=" + job, null, null);
    } while (poll.statusCode() == 202 && System.currentTimeMillis() < deadline);
    assertThat(poll.statusCode()).as(poll.body()).isEqualTo(200);
    return JSON.readTree(poll.body());
  }
}
