package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The FHIR R4 API a client of any FHIR server expects. */
class FhirApiIT extends ServerIT {

  @Test
  void metadata_describesAnR4ServerWithEveryResourceType() {
    CapabilityStatement capabilities =
        client().capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(capabilities.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
    List<String> types =
        capabilities.getRestFirstRep().getResource().stream().map(r -> r.getType()).toList();
    assertThat(types)
        .contains("Patient", "Observation", "Consent", "Bundle", "Group", "AuditEvent")
        .hasSizeGreaterThan(140);
  }

  @Test
  void patient_createReadUpdateVreadHistoryDelete() {
    IGenericClient client = client();
    Patient patient = new Patient();
    patient.addName().setFamily("Crud").addGiven("Ann");
    IdType id = (IdType) client.create().resource(patient).execute().getId();

    Patient read =
        client.read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Crud");

    read.getNameFirstRep().setFamily("Crud-Updated");
    IdType v2 = (IdType) client.update().resource(read).execute().getId();
    assertThat(v2.getVersionIdPart()).isEqualTo("2");
    Patient v1 =
        client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute();
    assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Crud");

    Bundle history =
        client
            .history()
            .onInstance(id.toUnqualifiedVersionless())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(history.getEntry()).hasSize(2);

    client.delete().resourceById(id.toUnqualifiedVersionless()).execute();
    // a deleted resource answers like a missing one (a 410 would tell a deleted hidden id from a
    // free one)
    assertThatThrownBy(
            () ->
                client
                    .read()
                    .resource(Patient.class)
                    .withId(id.toUnqualifiedVersionless())
                    .execute())
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("Resource Patient/" + id.getIdPart() + " is not known");
  }

  @Test
  void search_byIdentifierAndFamily() {
    String mrn = UUID.randomUUID().toString();
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:test:mrn").setValue(mrn);
    patient.addName().setFamily("Searchable" + mrn.substring(0, 8));
    client().create().resource(patient).execute();

    Bundle byIdentifier =
        client()
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:test:mrn", mrn))
            .returnBundle(Bundle.class)
            .execute();
    Bundle byFamily =
        client()
            .search()
            .forResource(Patient.class)
            .where(Patient.FAMILY.matchesExactly().value("Searchable" + mrn.substring(0, 8)))
            .returnBundle(Bundle.class)
            .execute();

    assertThat(byIdentifier.getEntry()).hasSize(1);
    assertThat(byFamily.getEntry()).hasSize(1);
  }

  @Test
  void searchByPost_withFormParameters() {
    String family = "Posted" + UUID.randomUUID().toString().substring(0, 8);
    client()
        .create()
        .resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family)))
        .execute();

    var response =
        send("POST", "/Patient/_search", "application/x-www-form-urlencoded", "family=" + family);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(Bundle.class, response.body()).getEntry())
        .hasSize(1);
  }

  @Test
  void transaction_resolvesUrnAndConditionalReferences() {
    String orgId = UUID.randomUUID().toString();
    Organization org = new Organization();
    org.addIdentifier().setSystem("urn:test:org").setValue(orgId);
    client().create().resource(org).execute();

    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient patient = new Patient();
    patient.setManagingOrganization(new Reference("Organization?identifier=urn:test:org|" + orgId));
    tx.addEntry()
        .setFullUrl(patientUrn)
        .setResource(patient)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().setText("heart rate");
    obs.setSubject(new Reference(patientUrn));
    tx.addEntry()
        .setResource(obs)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation");

    Bundle response = client().transaction().withBundle(tx).execute();

    String patientId =
        new IdType(response.getEntry().get(0).getResponse().getLocation())
            .toUnqualifiedVersionless()
            .getValue();
    String obsId =
        new IdType(response.getEntry().get(1).getResponse().getLocation())
            .toUnqualifiedVersionless()
            .getValue();
    Observation stored = client().read().resource(Observation.class).withId(obsId).execute();
    Patient storedPatient = client().read().resource(Patient.class).withId(patientId).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo(patientId);
    assertThat(storedPatient.getManagingOrganization().getReference()).startsWith("Organization/");
  }

  @Test
  void batch_processesEntriesIndependently() {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch
        .addEntry()
        .setResource(
            new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Batch")))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    batch
        .addEntry()
        .getRequest()
        .setMethod(Bundle.HTTPVerb.GET)
        .setUrl("Patient/never-existed-" + UUID.randomUUID());

    Bundle response = client().transaction().withBundle(batch).execute();

    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
    assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
  }

  @Test
  void patientEverything_returnsThePatientsCompartment() {
    IdType patientId =
        (IdType)
            client().create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();
    Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().setText("weight");
    obs.setSubject(new Reference(patientId));
    client().create().resource(obs).execute();

    Bundle everything =
        client()
            .operation()
            .onInstance(patientId)
            .named("$everything")
            .withNoParameters(Parameters.class)
            .returnResourceType(Bundle.class)
            .execute();

    assertThat(everything.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactlyInAnyOrder("Patient", "Observation");
  }

  @Test
  void paging_yieldsEachResultExactlyOnce() {
    IdType patientId =
        (IdType)
            client().create().resource(new Patient()).execute().getId().toUnqualifiedVersionless();
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 25; i++) {
      Observation obs = new Observation().setStatus(Observation.ObservationStatus.FINAL);
      obs.getCode().setText("step count " + i);
      obs.setSubject(new Reference(patientId));
      tx.addEntry()
          .setResource(obs)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
    }
    client().transaction().withBundle(tx).execute();

    Bundle page =
        client()
            .search()
            .forResource(Observation.class)
            .where(Observation.SUBJECT.hasId(patientId))
            .count(10)
            .returnBundle(Bundle.class)
            .execute();
    List<String> ids = new ArrayList<>();
    int pages = 0;
    while (page != null) {
      pages++;
      page.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
      page =
          page.getLink(Bundle.LINK_NEXT) == null ? null : client().loadPage().next(page).execute();
    }

    Set<String> unique = new HashSet<>(ids);
    assertThat(ids).hasSize(25);
    assertThat(unique).hasSize(25);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void openApiDocs_andOperationsEndpoints_answer() throws Exception {
    assertThat(get("/api-docs").body()).contains("openapi: 3").contains("/Patient/{id}");
    assertThat(plainGet("/actuator/health")).contains("\"UP\"");
    assertThat(plainGet("/actuator/prometheus"))
        .contains("jvm_memory_used_bytes")
        .contains("http_server_requests");
  }

  private String plainGet(String path) throws Exception {
    return HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
