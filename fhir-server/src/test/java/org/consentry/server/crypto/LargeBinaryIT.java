package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.util.HapiExtensions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The content of a large Binary is kept apart from its resource row, as raw bytes in HAPI's binary
 * storage table (org.consentry.server.storage.BinaryContentStore): after encryption, so a patient's
 * content is never there in plaintext; read back whole, as JSON and raw, in every version; and the
 * extension that names stored content is the server's alone to write.
 */
class LargeBinaryIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";
  private static final int LARGE = 200 * 1024;

  @Test
  void largeContent_notOfAPatient_isStoredApart_andReadsBackWhole_inEveryVersion()
      throws Exception {
    String first = text("first", LARGE);
    String second = text("second", LARGE + 17);
    HttpResponse<String> created = postJson("/Binary", binary(null, first));
    String id = createdId(created);
    assertThat(dataIn(created)).as("the create answer shows the content").isEqualTo(first);

    assertThat(DatabaseDump.storedText("Binary", id))
        .as("the resource row holds a reference to the content, not the content")
        .hasSizeLessThan(4096)
        .contains(HapiExtensions.EXT_EXTERNALIZED_BINARY_ID);
    assertThat(storedApart(id)).containsExactly((long) first.length());
    assertThat(dataOf(get("/Binary/" + id))).isEqualTo(first);
    assertThat(raw("/Binary/" + id)).isEqualTo(first);

    HttpResponse<String> updated = send("PUT", "/Binary/" + id, FHIR_JSON, binary(id, second));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(dataOf(updated)).as("the update answer shows the content").isEqualTo(second);
    assertThat(raw("/Binary/" + id)).isEqualTo(second);
    assertThat(dataOf(get("/Binary/" + id + "/_history/1"))).isEqualTo(first);
    assertThat(storedApart(id))
        .containsExactlyInAnyOrder((long) first.length(), (long) second.length());
  }

  @Test
  void smallContent_staysInTheResource() throws Exception {
    String small = text("small", 1000);
    String id = createdId(postJson("/Binary", binary(null, small)));

    assertThat(storedApart(id)).isEmpty();
    assertThat(dataOf(get("/Binary/" + id))).isEqualTo(small);
  }

  @Test
  void largeContent_ofAPatient_isEncryptedBeforeAnythingIsStored() throws Exception {
    String patient =
        createdId(
            postJson(
                "/Patient",
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Large"
                    + System.nanoTime()
                    + "\"}]}"));
    String secret = "large-secret-" + System.nanoTime();
    String content = text(secret, LARGE);
    String id = createdId(postJson("/Binary", binaryOf("Patient/" + patient, null, content, null)));

    assertThat(DatabaseDump.find(List.of(secret))).as("plaintext in the database").isEmpty();
    assertThat(storedApart(id)).as("encrypted content stays in its resource").isEmpty();
    assertThat(dataOf(get("/Binary/" + id))).isEqualTo(content);
  }

  @Test
  void theStorageExtension_sentByAClient_isRefused_onCreateAndUpdate() throws Exception {
    String stored = createdId(postJson("/Binary", binary(null, text("victim", LARGE))));
    String blobId = storedApartIds(stored).get(0);
    String forged = binaryOf(null, null, null, blobId);

    HttpResponse<String> create = postJson("/Binary", forged);
    assertThat(create.statusCode()).as(create.body()).isEqualTo(400);
    assertThat(create.body()).contains("OperationOutcome", "reserves for its own storage");

    String target = createdId(postJson("/Binary", binary(null, "small")));
    HttpResponse<String> update =
        send("PUT", "/Binary/" + target, FHIR_JSON, binaryOf(null, target, null, blobId));
    assertThat(update.statusCode()).as(update.body()).isEqualTo(400);
    assertThat(dataOf(get("/Binary/" + target))).isEqualTo("small");
  }

  // --- helpers

  private static String text(String seed, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; out.length() < length; i++) {
      out.append(seed).append(' ').append(i).append('\n');
    }
    return out.substring(0, length);
  }

  private static String binary(String id, String content) {
    return binaryOf(null, id, content, null);
  }

  private static String binaryOf(String securityContext, String id, String content, String blobId) {
    ObjectNode binary = JSON.createObjectNode().put("resourceType", "Binary");
    if (id != null) {
      binary.put("id", id);
    }
    binary.put("contentType", "text/plain");
    if (securityContext != null) {
      binary.putObject("securityContext").put("reference", securityContext);
    }
    if (content != null) {
      binary.put(
          "data", Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)));
    }
    if (blobId != null) {
      binary
          .putObject("_data")
          .putArray("extension")
          .addObject()
          .put("url", HapiExtensions.EXT_EXTERNALIZED_BINARY_ID)
          .put("valueString", blobId);
    }
    return binary.toString();
  }

  private String raw(String path) throws Exception {
    HttpResponse<byte[]> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + ehrToken())
                .header("Accept", "text/plain")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static List<Long> storedApart(String id) throws Exception {
    return query("SELECT blob_size FROM hfj_binary_storage_blob WHERE resource_id = ?", id).stream()
        .map(Long::valueOf)
        .toList();
  }

  private static List<String> storedApartIds(String id) throws Exception {
    return query("SELECT blob_id FROM hfj_binary_storage_blob WHERE resource_id = ?", id);
  }

  private static List<String> query(String sql, String id) throws Exception {
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        PreparedStatement query = db.prepareStatement(sql)) {
      query.setString(1, "Binary/" + id);
      List<String> values = new java.util.ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
      return values;
    }
  }

  private static String dataIn(HttpResponse<String> answer) throws Exception {
    JsonNode data = JSON.readTree(answer.body()).path("data");
    return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
  }

  private static String dataOf(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode data = JSON.readTree(response.body()).path("data");
    return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
  }

  private static String createdId(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).path("id").asText();
  }
}
