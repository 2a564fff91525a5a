package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.bulk.export.api.IBulkDataExportJobSchedulingHelper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.consentry.server.storage.ExportFileExpunger;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bulk Data $export at system, Patient and Group level: kick-off, status polling, NDJSON, and the
 * files expunged once expired.
 */
class BulkExportIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired private JpaStorageSettings storageSettings;
  @Autowired private IBulkDataExportJobSchedulingHelper exportFiles;
  @Autowired private ExportFileExpunger expunger;
  @Autowired private IInterceptorService interceptors;

  private IdType patientId;
  private IdType groupId;
  private String family;

  @BeforeEach
  void patientWithObservation() {
    family = "Exported" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Ana");
    patientId =
        (IdType) client().create().resource(patient).execute().getId().toUnqualifiedVersionless();
    Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().setText("heart rate");
    obs.setSubject(new Reference(patientId));
    client().create().resource(obs).execute();
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
    group.addMember().setEntity(new Reference(patientId));
    groupId =
        (IdType) client().create().resource(group).execute().getId().toUnqualifiedVersionless();
  }

  @Test
  void systemExport_producesNdjsonOfEachType() throws Exception {
    List<String> lines = export("/$export?_type=Patient,Observation", "Patient");

    assertThat(lines).anyMatch(l -> l.contains("\"id\":\"" + patientId.getIdPart() + "\""));
    // stored encrypted, downloaded in plaintext by the requester, without blind-index tokens
    String exported =
        lines.stream().filter(l -> l.contains(patientId.getIdPart())).findFirst().orElseThrow();
    assertThat(exported)
        .contains(family)
        .doesNotContain("blind-index")
        .doesNotContain("StructureDefinition/encrypted");
  }

  @Test
  void patientExport_includesCompartmentResources() throws Exception {
    List<String> lines = export("/Patient/$export?_type=Patient,Observation", "Observation");

    assertThat(lines).anyMatch(l -> l.contains("Patient/" + patientId.getIdPart()));
  }

  @Test
  void groupExport_coversTheGroupsMembersOnly() throws Exception {
    IdType outsider =
        (IdType)
            client().create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();

    List<String> lines =
        export("/Group/" + groupId.getIdPart() + "/$export?_type=Patient", "Patient");

    assertThat(lines).hasSize(1).allMatch(l -> l.contains(patientId.getIdPart()));
    assertThat(lines).noneMatch(l -> l.contains(outsider.getIdPart()));
  }

  @Test
  void deletedExportFiles_areExpunged_withTheirStoredContent() throws Exception {
    Observation large = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    large.getCode().setText("a long report");
    large.setSubject(new Reference(patientId));
    large.addNote().setText("x".repeat(80 * 1024)); // a file above 64 KB: content stored apart
    client().create().resource(large).execute();
    Binary ordinary = new Binary().setContentType("text/plain");
    ordinary.setData("kept after delete".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String kept = client().create().resource(ordinary).execute().getId().getIdPart();
    client().delete().resourceById("Binary", kept).execute();

    // files deleted while nothing expunged them (an earlier version of the server) stay whole...
    List<String> earlier = files(manifest("/Patient/$export?_type=Observation"));
    interceptors.unregisterInterceptor(expunger);
    try {
      purgeExpiredExports();
    } finally {
      interceptors.registerInterceptor(expunger);
    }
    Thread.sleep(1000);
    assertThat(earlier).allSatisfy(f -> assertThat(count(VERSIONS, f)).isEqualTo(2));
    // ...until the server is ready again
    expunger.expungeEarlierDeletions();
    assertExpunged(earlier);

    // files deleted now are expunged at once
    List<String> now = files(manifest("/Patient/$export?_type=Observation"));
    purgeExpiredExports();
    assertExpunged(now);
    assertThat(count(VERSIONS, kept)).as("an ordinary Binary keeps its history").isEqualTo(2);
  }

  /** The export's files, and their content is large enough to be stored apart. */
  private static List<String> files(JsonNode manifest) {
    List<String> files = new ArrayList<>();
    manifest.get("output").forEach(o -> files.add(new IdType(o.get("url").asText()).getIdPart()));
    assertThat(files).isNotEmpty();
    assertThat(files.stream().mapToInt(f -> count(BLOBS, "Binary/" + f)).sum())
        .as("content stored apart")
        .isPositive();
    return files;
  }

  /** HAPI's purge of expired export files, with every export expired (retention 0 hours). */
  private void purgeExpiredExports() {
    int retention = storageSettings.getBulkExportFileRetentionPeriodHours();
    storageSettings.setBulkExportFileRetentionPeriodHours(0);
    try {
      exportFiles.purgeExpiredFiles();
    } finally {
      storageSettings.setBulkExportFileRetentionPeriodHours(retention);
    }
  }

  private static void assertExpunged(List<String> files) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (files.stream().anyMatch(f -> count(VERSIONS, f) > 0)
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    for (String file : files) {
      assertThat(count(VERSIONS, file)).as("versions of Binary/" + file).isZero();
      assertThat(count(BLOBS, "Binary/" + file)).as("stored content of " + file).isZero();
    }
  }

  private static final String VERSIONS =
      "SELECT count(*) FROM hfj_res_ver v JOIN hfj_resource r ON r.res_id = v.res_id"
          + " WHERE r.res_type = 'Binary' AND r.fhir_id = ?";
  private static final String BLOBS =
      "SELECT count(*) FROM hfj_binary_storage_blob WHERE resource_id = ?";

  private static int count(String sql, String value) {
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        PreparedStatement query = db.prepareStatement(sql)) {
      query.setString(1, value);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Kicks off an export, polls until it completes and returns the NDJSON lines of one type. */
  private List<String> export(String kickOffPath, String type) throws Exception {
    JsonNode manifest = manifest(kickOffPath);
    List<String> lines = new ArrayList<>();
    for (JsonNode output : manifest.get("output")) {
      if (output.get("type").asText().equals(type)) {
        HttpResponse<String> file =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(output.get("url").asText()))
                    .header("Accept", "application/fhir+ndjson")
                    .header("Authorization", "Bearer " + ehrToken())
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(file.headers().firstValue("Content-Type").orElse("")).contains("ndjson");
        file.body().lines().filter(l -> !l.isBlank()).forEach(lines::add);
      }
    }
    assertThat(lines)
        .as("export output of type " + type)
        .isNotEmpty()
        .allSatisfy(
            l -> assertThat(FHIR.newJsonParser().parseResource(l).fhirType()).isEqualTo(type));
    return lines;
  }

  /** Kicks off an export as the EHR client and polls until it completes: its manifest. */
  private JsonNode manifest(String kickOffPath) throws Exception {
    HttpResponse<String> kickOff =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + kickOffPath))
                .header("Prefer", "respond-async")
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + ehrToken())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
    String statusUrl = kickOff.headers().firstValue("Content-Location").orElseThrow();

    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    HttpResponse<String> status;
    do {
      Thread.sleep(500);
      status = get(statusUrl);
      assertThat(status.statusCode()).as(status.body()).isIn(200, 202);
    } while (status.statusCode() == 202 && Instant.now().isBefore(deadline));
    assertThat(status.statusCode()).as("export finished within 120 s").isEqualTo(200);
    return JSON.readTree(status.body());
  }
}
