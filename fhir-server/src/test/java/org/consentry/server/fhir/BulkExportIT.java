package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.consentry.server.ServerIT;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk Data $export at system, Patient and Group level: kick-off, status polling, NDJSON. */
class BulkExportIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** Kicks off an export, polls until it completes and returns the NDJSON lines of one type. */
  private List<String> export(String kickOffPath, String type) throws Exception {
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

    List<String> lines = new ArrayList<>();
    for (JsonNode output : JSON.readTree(status.body()).get("output")) {
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
}
