package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.junit.jupiter.api.Test;

/** Field-level encryption through the real server and database. */
class EncryptionIT extends ServerIT {

  private static final Path SYNTHEA = Path.of("../data/synthea-10");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A synthea-10 patient and some of its data (see data/synthea-10/Patient.ndjson). */
  private static final String HORTENSE = "de5e3d30-30d7-0713-58b1-66cb158422a4";

  private void importSamples() {
    assertThat(syntheaImported().failures()).isEmpty();
  }

  @Test
  void database_holdsNoPlaintextOfThePatients() throws Exception {
    importSamples();
    Set<String> needles = patientSecrets();
    assertThat(needles).hasSizeGreaterThan(60);

    List<String> hits = DatabaseDump.find(needles);

    assertThat(hits).as("plaintext of encrypted fields in the database").isEmpty();
    // control: the dump does read resource bodies (a display text that only lives inside them)
    assertThat(DatabaseDump.find(List.of("Assessing Patients' Assets, Risks")))
        .as("the dump reads HAPI's stored resource text")
        .anyMatch(hit -> hit.startsWith("hfj_res_ver."));
  }

  @Test
  void identifierAndNameSearch_findThePatient_andReadItInPlaintext() throws Exception {
    importSamples();
    for (String query :
        List.of(
            "identifier=http://hl7.org/fhir/sid/us-ssn|999-41-3819",
            "identifier=999-41-3819",
            "identifier=S99996419",
            "family=Franecki195",
            "family=FRANECKI195",
            "family:exact=Franecki195",
            "given=hortense60",
            "name=Verlie371",
            "identifier=999-41-3819&family=Franecki195")) {
      JsonNode bundle = json(get("/Patient?" + query));
      assertThat(ids(bundle)).as(query).containsExactly(HORTENSE);
      String text = bundle.path("entry").toString();
      assertThat(text)
          .as(query)
          .contains("Franecki195", "999-41-3819", "555-599-4265", "Quincy")
          .doesNotContain("blind-index", FieldEncryptor.ENCRYPTED);
    }
    assertThat(ids(json(get("/Patient?identifier=http://hl7.org/fhir/sid/us-ssn|999-41-0000"))))
        .isEmpty();
    assertThat(ids(json(get("/Patient?family=Franecki")))).as("exact only").isEmpty();
    assertThat(json(get("/Patient/" + HORTENSE)).path("name").get(0).path("family").asText())
        .isEqualTo("Franecki195");
  }

  @Test
  void searchOnEncryptedField_thatCannotBeServed_is400() {
    for (String query :
        List.of(
            "Patient?name:contains=Fra",
            "Patient?address=Quincy",
            "Patient?telecom=555-599-4265",
            "Patient?family:contains=eck",
            "Patient?_sort=family",
            "Patient?identifier:of-type=x|SS|1",
            "Patient?phone=555",
            "Observation?value-string=x")) {
      HttpResponse<String> response = get("/" + query);
      assertThat(response.statusCode()).as(query + " " + response.body()).isEqualTo(400);
      assertThat(response.body()).as(query).contains("OperationOutcome", "encrypt");
    }
  }

  @Test
  void erase_masksEveryVersionOfThePatient_othersStayReadable() throws Exception {
    importSamples();
    String id = createPatient("Erasmus" + suffix(), "Shredder");
    String family = json(get("/Patient/" + id)).path("name").get(0).path("family").asText();
    String given = json(get("/Patient/" + id)).path("name").get(0).path("given").get(0).asText();
    String observation =
        """
				{"resourceType":"Observation","status":"final","code":{"text":"mood"},"subject":{"reference":"Patient/%s","display":"%s %s"},
				 "valueString":"%s feels fine","note":[{"text":"told %s"}]}"""
            .formatted(id, given, family, given, given);
    assertThat(postJson("/Observation", observation).statusCode()).isEqualTo(201);
    assertThat(
            send(
                    "PUT",
                    "/Patient/" + id,
                    "application/fhir+json",
                    patientJson(id, given, family, "555-000-1111"))
                .statusCode())
        .isEqualTo(200);
    assertThat(get("/Patient/" + id + "/_history").body()).contains(given, "555-000-1111");

    String otherPatientToken = patientToken(HORTENSE, "patient/*.cruds");
    assertThat(
            sendAs(otherPatientToken, "POST", "/Patient/" + id + "/$erase", null, null)
                .statusCode())
        .isIn(403, 404);
    HttpResponse<String> erased = send("POST", "/Patient/" + id + "/$erase", null, null);
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);

    for (String path :
        List.of(
            "/Patient/" + id,
            "/Patient/" + id + "/_history",
            "/Patient/" + id + "/_history/1",
            "/Observation?subject=Patient/" + id,
            "/Patient/" + id + "/$everything",
            "/Patient?_id=" + id,
            "/_history?_count=500")) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body())
          .as(path)
          .doesNotContain(given, "555-000-1111", FieldEncryptor.ENCRYPTED);
    }
    assertThat(get("/Patient/" + id).body()).contains("masked");
    assertThat(ids(json(get("/Patient?family=" + family)))).isEmpty();
    assertThat(json(get("/Patient/" + HORTENSE)).path("name").get(0).path("family").asText())
        .isEqualTo("Franecki195");
    assertThat(
            send(
                    "PUT",
                    "/Patient/" + id,
                    "application/fhir+json",
                    patientJson(id, given, family, "1"))
                .statusCode())
        .isEqualTo(422);
  }

  @Test
  void erase_byThePatientThemself() throws Exception {
    String id = createPatient("Selma" + suffix(), "Selferase");
    String token = patientToken(id, "patient/*.cruds");
    assertThat(sendAs(token, "POST", "/Patient/" + id + "/$erase", null, null).statusCode())
        .isEqualTo(200);
    assertThat(get("/Patient/" + id).body()).doesNotContain("Selferase");
  }

  @Test
  void rotation_ofMasterAndDataKeys_keepsOldAndNewDataReadable_underConcurrentReads()
      throws Exception {
    importSamples();
    String given = "Rota" + suffix();
    String id = createPatient(given, "Tion");
    HttpResponse<String> kek = send("POST", "/$rotate-keys", null, null);
    assertThat(kek.statusCode()).as(kek.body()).isEqualTo(200);
    assertThat(kek.body()).contains("kekVersion");

    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(4);
    List<Future<Integer>> reads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      reads.add(
          readers.submit(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  assertThat(get("/Patient/" + id).body()).contains(given);
                  assertThat(get("/Patient/" + HORTENSE).body()).contains("Franecki195");
                  n++;
                }
                return n;
              }));
    }
    String rotate =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\",\"valueString\":\""
            + id
            + "\"},{\"name\":\"patient\",\"valueString\":\""
            + HORTENSE
            + "\"}]}";
    JsonNode job = json(postJson("/$rotate-data-keys", rotate));
    String jobId = parameter(job, "job");
    long deadline = System.currentTimeMillis() + 300_000;
    while (!Set.of("completed", "failed").contains(parameter(job, "status"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      job = json(get("/$rotate-data-keys-status?job=" + jobId));
    }
    createPatient(given + "b", "Tion");
    stop.set(true);
    readers.shutdown();
    assertThat(readers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    for (Future<Integer> r : reads) {
      assertThat(r.get()).isPositive();
    }
    assertThat(parameter(job, "status")).as(job.toString()).isEqualTo("completed");
    assertThat(Integer.parseInt(parameter(job, "reencrypted"))).isGreaterThan(1);
    assertThat(parameter(job, "keys")).as("the two patients' data keys").isEqualTo("2");
    assertThat(Integer.parseInt(parameter(job, "total")))
        .as("every stored resource is listed, in chunks")
        .isGreaterThan(9022);
    assertThat(parameter(job, "scanned")).isEqualTo(parameter(job, "total"));
    assertThat(get("/Patient/" + id + "/_history/1").body())
        .as("old version, old data key")
        .contains(given);
    assertThat(get("/Patient/" + id).body()).contains(given);
    assertThat(ids(json(get("/Patient?identifier=http://hl7.org/fhir/sid/us-ssn|999-41-3819"))))
        .containsExactly(HORTENSE);
  }

  // --- helpers

  /** Token searches send system|value: encode the bar, which java.net.URI refuses raw. */
  @Override
  protected HttpResponse<String> get(String path) {
    return super.get(path.replace("|", "%7C"));
  }

  private String createPatient(String given, String family) throws IOException {
    String id = UUID.randomUUID().toString();
    HttpResponse<String> created =
        postJson("/Patient", patientJson(null, given, family, "555-123-4567"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode body = json(created);
    assertThat(body.toString()).contains(given).doesNotContain(FieldEncryptor.ENCRYPTED);
    return body.path("id").asText(id);
  }

  private static String patientJson(String id, String given, String family, String phone) {
    return """
				{"resourceType":"Patient",%s"name":[{"family":"%s","given":["%s"]}],"telecom":[{"system":"phone","value":"%s"}],
				 "identifier":[{"system":"urn:test:mrn","value":"%s-mrn"}]}"""
        .formatted(id == null ? "" : "\"id\":\"" + id + "\",", family, given, phone, given);
  }

  private static String patientToken(String patientId, String scope) {
    String username = "enc-" + patientId.substring(0, 8) + "-" + suffix();
    String password = TestKeycloak.users().addPatient(username, "Patient/" + patientId);
    return userToken(username, password, scope);
  }

  private static String suffix() {
    return Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  private static List<String> ids(JsonNode bundle) {
    List<String> ids = new ArrayList<>();
    bundle.path("entry").forEach(e -> ids.add(e.path("resource").path("id").asText()));
    return ids;
  }

  private static String parameter(JsonNode parameters, String name) {
    for (JsonNode p : parameters.path("parameter")) {
      if (name.equals(p.path("name").asText())) {
        return p.has("valueString")
            ? p.path("valueString").asText()
            : p.path("valueInteger").asText();
      }
    }
    return "";
  }

  /**
   * Names, phone numbers, street lines and identifier values (SSN, driver's licence, passport) of
   * the sample patients.
   */
  private static Set<String> patientSecrets() throws IOException {
    Set<String> needles = new LinkedHashSet<>();
    for (String line : Files.readAllLines(SYNTHEA.resolve("Patient.ndjson"))) {
      JsonNode patient = JSON.readTree(line);
      String id = patient.path("id").asText();
      patient
          .path("name")
          .forEach(
              n -> {
                needles.add(n.path("family").asText());
                n.path("given").forEach(g -> needles.add(g.asText()));
              });
      patient.path("telecom").forEach(t -> needles.add(t.path("value").asText()));
      patient.path("address").forEach(a -> a.path("line").forEach(l -> needles.add(l.asText())));
      // the MRN and Synthea's own identifier equal the resource id, which is not secret
      patient
          .path("identifier")
          .forEach(
              i -> {
                if (!i.path("value").asText().equals(id)) {
                  needles.add(i.path("value").asText());
                }
              });
    }
    needles.removeIf(String::isBlank);
    // Synthea reuses surnames for clinicians: a practitioner's own name is not patient data
    needles.removeAll(namesOfNonPatients());
    return needles;
  }

  private static Set<String> namesOfNonPatients() throws IOException {
    Set<String> names = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(SYNTHEA)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("Practitioner")).toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode resource = JSON.readTree(line);
          resource
              .path("name")
              .forEach(
                  n -> {
                    names.add(n.path("family").asText());
                    n.path("given").forEach(g -> names.add(g.asText()));
                  });
          resource
              .path("practitioner")
              .path("display")
              .asText("")
              .lines()
              .flatMap(d -> Stream.of(d.split(" ")))
              .forEach(names::add);
        }
      }
    }
    return names;
  }

  @SuppressWarnings("unused")
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
