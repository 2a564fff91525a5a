package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.consent.ExportOutputAccess;
import org.junit.jupiter.api.Test;

/**
 * An attacker who holds a database dump and a client token tries to get around field encryption: by
 * sending encryption markers (stored as plaintext, or decrypted for them), by uploading ciphertext
 * in an NDJSON Binary, by hiding patient data in stored Bundles, contained resources and Binaries.
 */
class EncryptionBypassIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";
  private static final String REFUSAL = "Encryption markers are set by the server only";

  // --- (a) client-written markers

  @Test
  void create_withAMarkerCopiedFromTheDump_is400() throws Exception {
    Victim victim = victim();
    ObjectNode forged = (ObjectNode) JSON.readTree(patient(null, "Forger", "999-00-0001"));
    forged.set("name", victim.stored().get("name"));

    assertRefused(postJson("/Patient", forged.toString()));
    forged.remove("name");
    ObjectNode family = forged.putArray("name").addObject();
    family.put("family", "Forger");
    family
        .putObject("_family")
        .putArray("extension")
        .addObject()
        .put("url", FieldEncryptor.ENCRYPTED)
        .put("valueString", "AQ-not-really-a-ciphertext");
    assertRefused(postJson("/Patient", forged.toString()));
  }

  @Test
  void update_withAnotherResourcesMarker_is400_withItsOwnStoredForm_isAccepted() throws Exception {
    Victim victim = victim();
    Victim attacker = victim();
    ObjectNode forged = attacker.stored().deepCopy();
    forged.set("name", victim.stored().get("name"));
    forged.remove("meta");

    assertRefused(send("PUT", "/Patient/" + attacker.id(), FHIR_JSON, forged.toString()));
    ObjectNode ownStoredForm = attacker.stored().deepCopy();
    ownStoredForm.remove("meta");
    HttpResponse<String> same =
        send("PUT", "/Patient/" + attacker.id(), FHIR_JSON, ownStoredForm.toString());
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(get("/Patient/" + attacker.id()).body())
        .contains(attacker.ssn())
        .doesNotContain(victim.ssn());
  }

  @Test
  void transactionAndBatchEntry_andEntryOfABundleStoredByPost_withAMarker_areRefused()
      throws Exception {
    Victim victim = victim();
    ObjectNode forged = (ObjectNode) JSON.readTree(patient(null, "Forger", "999-00-0002"));
    forged.set("identifier", victim.stored().get("identifier"));
    String entry =
        "{\"fullUrl\":\"urn:uuid:"
            + UUID.randomUUID()
            + "\",\"resource\":"
            + forged
            + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";

    assertRefused(
        postJson(
            "",
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entry + "]}"));
    HttpResponse<String> batch =
        postJson("", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + entry + "]}");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    assertThat(
            JSON.readTree(batch.body())
                .path("entry")
                .get(0)
                .path("response")
                .path("status")
                .asText())
        .startsWith("400");
    assertThat(batch.body()).contains(REFUSAL);
    assertRefused(
        postJson(
            "/Bundle",
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                + forged
                + "}]}"));
  }

  @Test
  void blindIndexIdentifier_orExportSecurityContext_fromAClient_is400() throws Exception {
    Victim victim = victim();
    JsonNode token = null;
    for (JsonNode identifier : victim.stored().get("identifier")) {
      if (identifier.path("system").asText().startsWith(BlindIndexTokens.PREFIX)) {
        token = identifier;
      }
    }
    assertThat(token).as("the stored Patient has blind-index tokens").isNotNull();
    ObjectNode impostor = (ObjectNode) JSON.readTree(patient(null, "Impostor", "999-00-0003"));
    impostor.withArray("identifier").add(token);
    assertRefused(postJson("/Patient", impostor.toString()));

    String exportFile =
        "{\"resourceType\":\"Binary\",\"contentType\":\"application/fhir+ndjson\",\"securityContext\":"
            + "{\"identifier\":{\"system\":\""
            + ExportOutputAccess.SYSTEM
            + "\",\"value\":\"anyone\"}},\"data\":\""
            + base64(victim.storedLine() + "\n")
            + "\"}";
    assertRefused(postJson("/Binary", exportFile));
  }

  @Test
  void patch_ofAnUnencryptedElement_ofAnEncryptedPatient_works() throws Exception {
    Victim patient = victim();
    HttpResponse<String> patched =
        send(
            "PATCH",
            "/Patient/" + patient.id(),
            "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode read = JSON.readTree(get("/Patient/" + patient.id()).body());
    assertThat(read.path("gender").asText()).isEqualTo("male");
    assertThat(read.toString())
        .contains(patient.ssn(), patient.family())
        .doesNotContain(FieldEncryptor.ENCRYPTED);
    assertThat(DatabaseDump.storedText("Patient", patient.id())).doesNotContain(patient.ssn());
  }

  // --- (b) no decryption oracle

  @Test
  void uploadedNdjsonBinary_withACopiedCiphertextLine_readsBackAsStored() throws Exception {
    Victim victim = victim();
    String line = victim.storedLine();
    HttpResponse<String> created =
        postJson(
            "/Binary",
            "{\"resourceType\":\"Binary\",\"contentType\":"
                + "\"application/fhir+ndjson\",\"data\":\""
                + base64(line + "\n")
                + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = JSON.readTree(created.body()).path("id").asText();

    String data =
        new String(
            Base64.getDecoder()
                .decode(JSON.readTree(get("/Binary/" + id).body()).path("data").asText()),
            StandardCharsets.UTF_8);
    assertThat(data).isEqualTo(line + "\n").doesNotContain(victim.ssn(), victim.family());
    HttpResponse<String> raw =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/Binary/" + id))
                .header("Accept", "application/fhir+ndjson")
                .header("Authorization", "Bearer " + ehrToken())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(raw.body()).isEqualTo(line + "\n");
  }

  // --- (c) Bundles, contained resources and Binaries of a patient

  @Test
  void storedBundle_containedPatient_andPatientBinaries_holdNoPlaintext_andReadBack()
      throws Exception {
    Victim owner = victim();
    String bundleSsn = ssn();
    String containedSsn = ssn();
    String binarySecret = "binary secret of " + owner.family();
    String bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
            + "{\"fullUrl\":\"urn:uuid:bundled-patient\",\"resource\":"
            + patient(null, "Bundled" + suffix(), bundleSsn)
            + "},"
            + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"mood\"},"
            + "\"subject\":{\"reference\":\"urn:uuid:bundled-patient\"},\"valueString\":\"sad about "
            + bundleSsn
            + "\"}}]}";
    String bundleId = createdId(postJson("/Bundle", bundle));
    String observation =
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"next of kin\"},"
            + "\"contained\":["
            + patient("kin", "Kin" + suffix(), containedSsn)
            + "],"
            + "\"subject\":{\"reference\":\"Patient/"
            + owner.id()
            + "\"},\"focus\":[{\"reference\":\"#kin\"}]}";
    String observationId = createdId(postJson("/Observation", observation));
    String binaryId = createdId(postJson("/Binary", binary("Patient/" + owner.id(), binarySecret)));
    String documentId =
        createdId(
            postJson(
                "/DocumentReference",
                "{\"resourceType\":\"DocumentReference\",\"status\":"
                    + "\"current\",\"subject\":{\"reference\":\"Patient/"
                    + owner.id()
                    + "\"},\"content\":[{\"attachment\":"
                    + "{\"contentType\":\"text/plain\"}}]}"));
    String viaDocumentId =
        createdId(
            postJson("/Binary", binary("DocumentReference/" + documentId, binarySecret + "!")));

    assertThat(
            DatabaseDump.find(
                List.of(
                    bundleSsn,
                    containedSsn,
                    binarySecret,
                    base64(binarySecret),
                    base64(binarySecret + "!"))))
        .as("plaintext in the database")
        .isEmpty();
    assertThat(keyIdsOf("Binary", viaDocumentId))
        .as("keyed to the document's patient")
        .containsOnly(owner.id());
    assertThat(get("/Bundle/" + bundleId).body())
        .contains(bundleSsn, "sad about " + bundleSsn)
        .doesNotContain(FieldEncryptor.ENCRYPTED);
    assertThat(get("/Observation/" + observationId).body()).contains(containedSsn);
    assertThat(dataOf(get("/Binary/" + binaryId))).isEqualTo(binarySecret);
    assertThat(dataOf(get("/Binary/" + viaDocumentId))).isEqualTo(binarySecret + "!");
    assertRefusedWith(
        postJson("/Binary", binary("DocumentReference/" + UUID.randomUUID(), "x")),
        "securityContext");
  }

  @Test
  void erase_masksThePatientsBundleEntries_andBinaries_only() throws Exception {
    Victim erased = victim();
    Victim kept = victim();
    String bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
            + "{\"fullUrl\":\"Patient/"
            + erased.id()
            + "\",\"resource\":"
            + patient(erased.id(), erased.family(), erased.ssn())
            + "},"
            + "{\"fullUrl\":\"Patient/"
            + kept.id()
            + "\",\"resource\":"
            + patient(kept.id(), kept.family(), kept.ssn())
            + "}]}";
    String bundleId = createdId(postJson("/Bundle", bundle));
    String binaryId =
        createdId(postJson("/Binary", binary("Patient/" + erased.id(), "to be shredded")));
    assertThat(get("/Bundle/" + bundleId).body()).contains(erased.ssn(), kept.ssn());

    HttpResponse<String> erase = send("POST", "/Patient/" + erased.id() + "/$erase", null, null);
    assertThat(erase.statusCode()).as(erase.body()).isEqualTo(200);

    assertThat(get("/Bundle/" + bundleId).body())
        .doesNotContain(erased.ssn(), erased.family(), FieldEncryptor.ENCRYPTED)
        .contains(kept.ssn(), "masked");
    HttpResponse<String> binary = get("/Binary/" + binaryId);
    assertThat(binary.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(binary.body()).has("data")).isFalse();
    assertThat(binary.body()).contains("masked").doesNotContain(base64("to be shredded"));
  }

  // --- helpers

  /** A patient stored by the EHR, and its stored (encrypted) form as a database dump shows it. */
  private record Victim(String id, String family, String ssn, ObjectNode stored) {
    String storedLine() {
      return stored.toString();
    }
  }

  private Victim victim() throws Exception {
    String family = "Victim" + suffix();
    String ssn = ssn();
    String id = createdId(postJson("/Patient", patient(null, family, ssn)));
    ObjectNode stored = (ObjectNode) JSON.readTree(DatabaseDump.storedText("Patient", id));
    stored.put("id", id);
    assertThat(stored.toString()).doesNotContain(ssn).contains(FieldEncryptor.ENCRYPTED);
    return new Victim(id, family, ssn, stored);
  }

  private static String patient(String id, String family, String ssn) {
    return "{\"resourceType\":\"Patient\","
        + (id == null ? "" : "\"id\":\"" + id + "\",")
        + "\"gender\":\"female\",\"name\":[{\"family\":\""
        + family
        + "\",\"given\":[\"Vera\"]}],"
        + "\"identifier\":[{\"system\":\"http://hl7.org/fhir/sid/us-ssn\",\"value\":\""
        + ssn
        + "\"}]}";
  }

  private static String binary(String securityContext, String text) {
    return "{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"securityContext\":{\"reference\":\""
        + securityContext
        + "\"},\"data\":\""
        + base64(text)
        + "\"}";
  }

  private static List<String> keyIdsOf(String type, String id) throws Exception {
    org.hl7.fhir.r4.model.Resource stored =
        (org.hl7.fhir.r4.model.Resource)
            FHIR.newJsonParser().parseResource(DatabaseDump.storedText(type, id));
    return FieldEncryptor.keyIdsOf(stored);
  }

  private static String dataOf(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new String(
        Base64.getDecoder().decode(JSON.readTree(response.body()).path("data").asText()),
        StandardCharsets.UTF_8);
  }

  private static String createdId(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).path("id").asText();
  }

  private static void assertRefused(HttpResponse<String> response) {
    assertRefusedWith(response, REFUSAL);
  }

  private static void assertRefusedWith(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome", reason);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String ssn() {
    return "999-" + (10 + (int) (Math.random() * 89)) + "-" + (1000 + (int) (Math.random() * 8999));
  }

  private static String suffix() {
    return Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }
}
