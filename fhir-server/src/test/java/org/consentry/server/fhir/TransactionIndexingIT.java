package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.consentry.server.ServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a transaction Bundle creates is indexed once ({@link IndexOncePerWrite}), and indexed whole:
 * searchable by each of its parameters, and its indexes replaced, not added to, when it is updated
 * later, whether or not its references were rewritten in the transaction. Its text is encoded once,
 * in the second pass ({@link FirstPassText}), and stored whole.
 */
class TransactionIndexingIT extends ServerIT {

  @Autowired DataSource dataSource;

  @Test
  void createdInATransaction_isSearchable_andALaterUpdateReplacesItsIndexes() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    // no reference at all: the transaction's second pass does not change it
    Organization organization = new Organization().setName("Clinic " + run);
    organization.addIdentifier().setSystem("urn:consentry:test").setValue("org-" + run);
    post(tx, "urn:uuid:" + UUID.randomUUID(), organization);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    post(tx, patientUrl, patientNamed("Indexed" + run));
    // a placeholder reference, replaced in the second pass
    post(tx, "urn:uuid:" + UUID.randomUUID(), observationCoded("tx-" + run, patientUrl));

    Bundle response = client().transaction().withBundle(tx).execute();
    String organizationId = idOf(response, 0);
    String patientId = idOf(response, 1);

    assertThat(ids("Organization?name=Clinic%20" + run)).containsExactly(organizationId);
    assertThat(ids("Organization?identifier=urn:consentry:test%7Corg-" + run))
        .containsExactly(organizationId);
    assertThat(ids("Patient?family=Indexed" + run)).containsExactly(patientId);
    assertThat(ids("Observation?code=urn:consentry:test%7Ctx-" + run + "&patient=" + patientId))
        .hasSize(1);

    // the update must find the indexes the transaction stored, or the old name would stay
    Organization renamed = organization.copy();
    renamed.setId(organizationId);
    renamed.setName("Renamed " + run);
    client().update().resource(renamed).execute();
    assertThat(ids("Organization?name=Clinic%20" + run)).isEmpty();
    assertThat(ids("Organization?name=Renamed%20" + run)).containsExactly(organizationId);
    assertThat(ids("Organization?identifier=urn:consentry:test%7Corg-" + run))
        .containsExactly(organizationId);
  }

  @Test
  void createdInATransaction_isStoredWithTheTextOfItsSecondPass() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Organization existing = new Organization().setName("Before " + run);
    String existingId = client().create().resource(existing).execute().getId().getIdPart();

    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    // a create by PUT with the client's id, as the importer sends
    String putId = "tx-put-" + run;
    put(tx, "Patient/" + putId, patientNamed("Put" + run));
    String postedUrl = "urn:uuid:" + UUID.randomUUID();
    post(tx, postedUrl, patientNamed("Posted" + run));
    Observation observation = observationCoded("text-" + run, postedUrl);
    observation.addPerformer(new Reference("Patient/" + putId));
    post(tx, "urn:uuid:" + UUID.randomUUID(), observation);
    // an update of a stored resource in the same transaction: its first pass is not deferred
    put(tx, "Organization/" + existingId, new Organization().setName("After " + run));

    Bundle response = client().transaction().withBundle(tx).execute();
    String postedId = idOf(response, 1);
    String observationId = idOf(response, 2);

    Observation read = client().read().resource(Observation.class).withId(observationId).execute();
    assertThat(read.getSubject().getReference()).isEqualTo("Patient/" + postedId);
    assertThat(read.getPerformerFirstRep().getReference()).isEqualTo("Patient/" + putId);
    assertThat(read.getCode().getCodingFirstRep().getCode()).isEqualTo("text-" + run);
    assertThat(
            client()
                .read()
                .resource(Patient.class)
                .withId(putId)
                .execute()
                .getNameFirstRep()
                .getFamily())
        .isEqualTo("Put" + run);
    assertThat(
            client()
                .read()
                .resource(Patient.class)
                .withId(postedId)
                .execute()
                .getNameFirstRep()
                .getFamily())
        .isEqualTo("Posted" + run);
    assertThat(client().read().resource(Organization.class).withId(existingId).execute().getName())
        .isEqualTo("After " + run);

    // every version row holds JSON text, the references resolved: no first-pass marker is left
    try (Connection c = dataSource.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT r.FHIR_ID, v.RES_VER, v.RES_ENCODING, v.RES_TEXT_VC FROM HFJ_RES_VER v"
                    + " JOIN HFJ_RESOURCE r ON r.RES_ID = v.RES_ID WHERE r.FHIR_ID IN (?, ?, ?, ?)")) {
      q.setString(1, putId);
      q.setString(2, postedId);
      q.setString(3, observationId);
      q.setString(4, existingId);
      Map<String, String> texts = new HashMap<>();
      try (ResultSet rows = q.executeQuery()) {
        while (rows.next()) {
          assertThat(rows.getString(3)).as(rows.getString(1)).isEqualTo("JSON");
          texts.put(rows.getString(1) + "/" + rows.getLong(2), rows.getString(4));
        }
      }
      assertThat(texts)
          .containsOnlyKeys(
              putId + "/1",
              postedId + "/1",
              observationId + "/1",
              existingId + "/1",
              existingId + "/2");
      assertThat(texts.values()).allMatch(text -> text.startsWith("{\"resourceType\":"));
      assertThat(texts.get(observationId + "/1"))
          .contains("\"Patient/" + postedId + "\"")
          .doesNotContain("urn:uuid:");
    }
  }

  private static Patient patientNamed(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static Observation observationCoded(String code, String subject) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("urn:consentry:test").setCode(code);
    observation.setSubject(new Reference(subject));
    return observation;
  }

  /** A PUT of {@code resource} to {@code url} ({@code Type/id}): a create when nothing is there. */
  private static void put(Bundle tx, String url, Resource resource) {
    resource.setId(url);
    tx.addEntry()
        .setFullUrl(url)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(url);
  }

  private static void post(Bundle tx, String fullUrl, Resource resource) {
    tx.addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl(resource.fhirType());
  }

  private static String idOf(Bundle response, int entry) {
    return response.getEntry().get(entry).getResponse().getLocation().split("/")[1];
  }

  private List<String> ids(String query) {
    Bundle found =
        client()
            .search()
            .byUrl(query)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }
}
