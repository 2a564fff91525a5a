package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit trail end to end: a practitioner's reads land in the patient's trail and access report
 * (who, organization, what, when, purpose), each access is one event, a patient sees their own
 * trail and nobody else's, searched identifiers are not stored in plaintext, an UPDATE of one row
 * in PostgreSQL is named by $audit-verify, and with the store unwritable no data is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private String alice;
  private String bob;
  private String aliceToken;
  private String bobToken;
  private String drSmith;
  private String drSmithToken;
  private String clinic;
  private List<String> aliceObservations = new ArrayList<>();

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    clinic = "Organization/clinic-" + s;
    drSmith = "Practitioner/drsmith-" + s;
    client()
        .update()
        .resource(new Organization().setName("Good Health Clinic").setId(clinic))
        .execute();
    Practitioner practitioner = new Practitioner();
    practitioner.addName(new HumanName().setFamily("Smith").addGiven("Jane").addPrefix("Dr"));
    client().update().resource(practitioner.setId(drSmith)).execute();
    alice = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    bob = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    for (int i = 0; i < 2; i++) {
      Observation observation = new Observation();
      observation.setStatus(Observation.ObservationStatus.FINAL);
      observation.getCode().setText("heart rate");
      observation.setSubject(new Reference("Patient/" + alice));
      aliceObservations.add(client().create().resource(observation).execute().getId().getIdPart());
    }
    aliceToken =
        userToken(
            "alice-" + s, TestKeycloak.users().addPatient("alice-" + s, "Patient/" + alice), null);
    bobToken =
        userToken("bob-" + s, TestKeycloak.users().addPatient("bob-" + s, "Patient/" + bob), null);
    drSmithToken =
        userToken(
            "drsmith-" + s,
            TestKeycloak.users().addPractitioner("drsmith-" + s, drSmith, clinic),
            null);
  }

  @Test
  void drSmithReadsAlicesObservations_aliceSeesWhoWhatWhenWhy() throws Exception {
    assertThat(status(drSmithToken, "/Observation?patient=Patient/" + alice)).isEqualTo(200);

    JsonNode trail = json(aliceToken, "/AuditEvent");
    JsonNode query = firstByAgent(trail, drSmith);
    assertThat(query).as("alice's trail holds dr Smith's search").isNotNull();
    String event = query.toString();
    assertThat(event)
        .contains("IHE.BasicAudit.PatientQuery")
        .contains(clinic)
        .contains("TREAT")
        .contains("Patient/" + alice);
    assertThat(query.path("recorded").asText()).isNotEmpty();

    String report = body(aliceToken, "/Patient/" + alice + "/$access-report");
    assertThat(report)
        .contains("Dr Jane Smith")
        .contains("Good Health Clinic")
        .contains("for treatment")
        .contains("searched");
  }

  @Test
  void aSearchInsideABatch_isServed_andRecordedWithTheEntrysUrl() throws Exception {
    long before = count(alice, "query");
    String batch =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
            + "{\"method\":\"GET\",\"url\":\"Observation?patient=Patient/"
            + alice
            + "\"}}]}";

    HttpResponse<String> response =
        sendAs(drSmithToken, "POST", "", "application/fhir+json", batch);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode entry = JSON.readTree(response.body()).path("entry").path(0);
    assertThat(entry.path("response").path("status").asText()).startsWith("200");
    JsonNode found = entry.path("resource").path("entry");
    assertThat(found.size()).isGreaterThanOrEqualTo(aliceObservations.size());
    found.forEach(
        each ->
            assertThat(each.path("resource").path("subject").path("reference").asText())
                .isEqualTo("Patient/" + alice));
    assertThat(count(alice, "query") - before).isEqualTo(1);
    assertThat(json(aliceToken, "/AuditEvent").toString())
        .as("alice's trail names the entry's search")
        .contains("GET Observation?patient=Patient%2F" + alice);
  }

  @Test
  void eachAccessIsOneEvent() throws Exception {
    String observation = aliceObservations.get(0);
    long before = count(alice, "read");
    assertThat(status(drSmithToken, "/Observation/" + observation)).isEqualTo(200);
    assertThat(count(alice, "read") - before).isEqualTo(1);

    long creates = count(alice, "create");
    Observation created = new Observation();
    created.setStatus(Observation.ObservationStatus.FINAL);
    created.getCode().setText("steps");
    created.setSubject(new Reference("Patient/" + alice));
    client().create().resource(created).execute();
    assertThat(count(alice, "create") - creates).isEqualTo(1);

    long operations = count(alice, "operation");
    assertThat(status(drSmithToken, "/Patient/" + alice + "/$everything")).isEqualTo(200);
    assertThat(count(alice, "operation") - operations).isEqualTo(1);
  }

  @Test
  void everyOtherPathIsOneEventToo() throws Exception {
    String carol =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("weight");
    observation.setSubject(new Reference("Patient/" + carol));
    String id = client().create().resource(observation).execute().getId().getIdPart();

    long reads = count(carol, "read");
    assertThat(status(drSmithToken, "/Observation/" + id + "/_history/1")).isEqualTo(200);
    assertThat(count(carol, "read") - reads).as("vread").isEqualTo(1);

    long histories = count(carol, "operation");
    assertThat(status(drSmithToken, "/Observation/" + id + "/_history")).isEqualTo(200);
    assertThat(count(carol, "operation") - histories).as("history").isEqualTo(1);

    long queries = count(carol, "query");
    assertThat(status(drSmithToken, "/Observation?patient=Patient/" + carol)).isEqualTo(200);
    assertThat(count(carol, "query") - queries).as("search").isEqualTo(1);

    long updates = count(carol, "update");
    observation.setId("Observation/" + id);
    observation.setStatus(Observation.ObservationStatus.AMENDED);
    client().update().resource(observation).execute();
    assertThat(count(carol, "update") - updates).as("update").isEqualTo(1);

    long consents = count(carol, "consent-change");
    HttpResponse<String> consent =
        sendAs(ehrToken(), "POST", "/Consent", "application/fhir+json", denyActor(carol, clinic));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
    assertThat(count(carol, "consent-change") - consents).as("consent change").isEqualTo(1);

    long blocked = count(carol, "authz-consent");
    assertThat(status(drSmithToken, "/Observation/" + id)).isEqualTo(404);
    assertThat(count(carol, "authz-consent") - blocked)
        .as("the read her consent blocked is one AuthZconsent event")
        .isEqualTo(1);
    assertThat(body(auditorToken(), "/AuditEvent?patient=Patient/" + carol + "&_count=1"))
        .contains("AuthZconsent")
        .contains("\"outcome\":\"8\"");

    long deletes = count(carol, "delete");
    client().delete().resourceById("Observation", id).execute();
    assertThat(count(carol, "delete") - deletes).as("delete").isEqualTo(1);

    long erasures = count(carol, "erasure");
    assertThat(
            sendAs(
                    ehrToken(),
                    "POST",
                    "/Patient/" + carol + "/$erase",
                    "application/fhir+json",
                    "{\"resourceType\":\"Parameters\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(count(carol, "erasure") - erasures).as("erasure").isEqualTo(1);
  }

  @Test
  void anExportIsOneDisclosurePerPatient() throws Exception {
    long before = count(alice, "disclosure");
    HttpResponse<String> kickOff =
        sendWith(
            ehrToken(),
            "GET",
            "/Patient/" + alice + "/$export",
            null,
            null,
            java.util.Map.of("Prefer", "respond-async", "Accept", "application/fhir+json"));
    assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
    String poll = kickOff.headers().firstValue("Content-Location").orElseThrow();
    int code = 202;
    for (int i = 0; i < 240 && code == 202; i++) {
      Thread.sleep(500);
      code = sendAs(ehrToken(), "GET", poll, null, null).statusCode();
    }
    assertThat(code).isEqualTo(200);
    assertThat(count(alice, "disclosure") - before)
        .as("alice's Patient and Observations are one disclosure")
        .isEqualTo(1);
    assertThat(count(bob, "disclosure")).as("bob was not exported").isZero();
  }

  @Test
  void aPatientSeesTheirOwnTrail_andNobodyElses() throws Exception {
    assertThat(status(drSmithToken, "/Observation?patient=Patient/" + bob)).isEqualTo(200);
    JsonNode own = json(aliceToken, "/AuditEvent?patient=Patient/" + alice);
    for (JsonNode entry : own.path("entry")) {
      assertThat(entry.toString()).contains("Patient/" + alice);
    }
    assertThat(status(aliceToken, "/AuditEvent?patient=Patient/" + bob))
        .as("as for every type, a patient's search names only their own compartment")
        .isEqualTo(status(aliceToken, "/Observation?patient=Patient/" + bob));
    assertThat(json(bobToken, "/AuditEvent").path("total").asInt()).isPositive();

    String bobsEvent =
        json(bobToken, "/AuditEvent?_count=1")
            .path("entry")
            .get(0)
            .path("resource")
            .path("id")
            .asText();
    assertThat(status(aliceToken, "/AuditEvent/" + bobsEvent)).isEqualTo(404);
    assertThat(status(aliceToken, "/AuditEvent/999999999")).isEqualTo(404);
    assertThat(status(drSmithToken, "/AuditEvent?patient=Patient/" + alice))
        .as("practitioners cannot read other people's trails")
        .isEqualTo(403);
    assertThat(status(aliceToken, "/Patient/" + bob + "/$access-report")).isEqualTo(404);
    assertThat(status(auditorToken(), "/AuditEvent?patient=Patient/" + bob)).isEqualTo(200);
    assertThat(status(auditorToken(), "/Observation?patient=Patient/" + bob))
        .as("an auditor reads the trail, never the record")
        .isEqualTo(403);
    HttpResponse<String> write =
        sendAs(
            ehrToken(),
            "POST",
            "/AuditEvent",
            "application/fhir+json",
            "{\"resourceType\":\"AuditEvent\"}");
    assertThat(write.statusCode()).as("nobody writes the trail through the API").isEqualTo(400);
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
            + "{\"resourceType\":\"AuditEvent\",\"recorded\":\"2026-01-01T00:00:00Z\"},"
            + "\"request\":{\"method\":\"POST\",\"url\":\"AuditEvent\"}}]}";
    HttpResponse<String> inBundle =
        sendAs(ehrToken(), "POST", "", "application/fhir+json", transaction);
    assertThat(inBundle.statusCode()).as(inBundle.body()).isEqualTo(403);
    assertThat(inBundle.body()).contains("written by the server only");
  }

  @Test
  void searchedIdentifiersAreNotStoredInPlaintext() throws Exception {
    String ssn = "987-65-" + (1000 + (int) (Math.random() * 8999));
    assertThat(
            status(
                drSmithToken,
                "/Patient?identifier=http://hl7.org/fhir/sid/us-ssn%7C" + ssn + "&family=Zebedee"))
        .isEqualTo(200);
    assertThat(status(auditorToken(), "/$audit-verify")).isEqualTo(200); // flushes the trail
    try (Connection db = database();
        PreparedStatement select =
            db.prepareStatement(
                "SELECT count(*) FROM consentry_audit_record WHERE json LIKE ? OR json LIKE ?")) {
      select.setString(1, "%" + ssn + "%");
      select.setString(2, "%Zebedee%");
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        assertThat(rows.getLong(1)).isZero();
      }
    }
  }

  @Test
  void anUpdatedRowIsNamedByVerify() throws Exception {
    assertThat(status(drSmithToken, "/Observation/" + aliceObservations.get(1))).isEqualTo(200);
    JsonNode intact = json(auditorToken(), "/$audit-verify");
    assertThat(parameter(intact, "intact").path("valueBoolean").asBoolean()).isTrue();

    long seq;
    String original;
    try (Connection db = database();
        PreparedStatement select =
            db.prepareStatement(
                "SELECT seq, json FROM consentry_audit_record WHERE ? = ANY(patients) ORDER BY seq DESC LIMIT 1")) {
      select.setString(1, alice);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        seq = rows.getLong(1);
        original = rows.getString(2);
      }
    }
    try (Connection db = database()) {
      update(db, seq, original.replace("Patient/" + alice, "Patient/" + bob));
      try {
        JsonNode tampered = json(auditorToken(), "/$audit-verify");
        assertThat(parameter(tampered, "intact").path("valueBoolean").asBoolean()).isFalse();
        String problem = parameter(tampered, "problem").toString();
        assertThat(problem).contains("AuditEvent/" + seq).contains("altered");
      } finally {
        update(db, seq, original);
      }
    }
    assertThat(
            parameter(json(auditorToken(), "/$audit-verify"), "intact")
                .path("valueBoolean")
                .asBoolean())
        .as("restored, the chain holds again")
        .isTrue();
  }

  @Test
  void withTheStoreUnwritable_noDataIsServed_andNothingIsLost() throws Exception {
    long before = count(alice, "read");
    try (Connection db = database()) {
      db.createStatement()
          .execute("ALTER TABLE consentry_audit_record RENAME TO consentry_audit_record_away");
      try {
        // this read is served (the store's failure is not known yet) and its event is held
        status(drSmithToken, "/Observation/" + aliceObservations.get(0));
        int refused = 0;
        for (int i = 0; i < 50 && refused == 0; i++) {
          Thread.sleep(100);
          HttpResponse<String> answer =
              sendAs(drSmithToken, "GET", "/Observation/" + aliceObservations.get(0), null, null);
          if (answer.statusCode() == 503) {
            refused++;
            assertThat(answer.body()).contains("audit trail cannot be written");
          }
        }
        assertThat(refused).as("reads are refused while the trail cannot be written").isPositive();
        assertThat(status(drSmithToken, "/metadata")).isEqualTo(200);
      } finally {
        db.createStatement()
            .execute("ALTER TABLE consentry_audit_record_away RENAME TO consentry_audit_record");
      }
    }
    int code = 503;
    for (int i = 0; i < 50 && code == 503; i++) {
      Thread.sleep(100);
      code = status(drSmithToken, "/Observation/" + aliceObservations.get(0));
    }
    assertThat(code).as("served again once the store is back").isEqualTo(200);
    assertThat(count(alice, "read") - before)
        .as("the held events were written")
        .isGreaterThanOrEqualTo(2);
  }

  /** A Consent of the patient denying one actor everything. */
  private static String denyActor(String patient, String actor) {
    return """
        {"resourceType":"Consent","status":"active",
         "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
         "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
         "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
         "provision":{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
         "reference":{"reference":"%s"}}]}}"""
        .formatted(patient, actor);
  }

  private static void update(Connection db, long seq, String json) throws Exception {
    try (PreparedStatement update =
        db.prepareStatement("UPDATE consentry_audit_record SET json = ? WHERE seq = ?")) {
      update.setString(1, json);
      update.setLong(2, seq);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  /** Events of a kind in a patient's trail, counted by an auditor after a flush. */
  private long count(String patient, String kind) throws Exception {
    status(auditorToken(), "/$audit-verify");
    try (Connection db = database();
        PreparedStatement select =
            db.prepareStatement(
                "SELECT count(*) FROM consentry_audit_record WHERE ? = ANY(patients) AND kind = ?")) {
      select.setString(1, patient);
      select.setString(2, kind);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static Connection database() throws Exception {
    return DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
  }

  private static JsonNode firstByAgent(JsonNode bundle, String agent) {
    for (JsonNode entry : bundle.path("entry")) {
      for (JsonNode a : entry.path("resource").path("agent")) {
        if (a.path("requestor").asBoolean()
            && agent.equals(a.path("who").path("reference").asText())) {
          return entry.path("resource");
        }
      }
    }
    return null;
  }

  private static JsonNode parameter(JsonNode parameters, String name) {
    for (JsonNode p : parameters.path("parameter")) {
      if (name.equals(p.path("name").asText())) {
        return p;
      }
    }
    return JSON.missingNode();
  }

  private JsonNode json(String token, String path) throws Exception {
    HttpResponse<String> response = sendAs(token, "GET", path, null, null);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private String body(String token, String path) throws Exception {
    return json(token, path).toString();
  }

  private int status(String token, String path) {
    return sendAs(token, "GET", path, null, null).statusCode();
  }
}
