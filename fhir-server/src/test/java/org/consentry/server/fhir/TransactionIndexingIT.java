package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * What a transaction Bundle creates is indexed once ({@link IndexOncePerWrite}), and indexed whole:
 * searchable by each of its parameters, and its indexes replaced, not added to, when it is updated
 * later, whether or not its references were rewritten in the transaction.
 */
class TransactionIndexingIT extends ServerIT {

  @Test
  void createdInATransaction_isSearchable_andALaterUpdateReplacesItsIndexes() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    // no reference at all: the transaction's second pass does not change it
    Organization organization = new Organization().setName("Clinic " + run);
    organization.addIdentifier().setSystem("urn:consentry:test").setValue("org-" + run);
    post(tx, "urn:uuid:" + UUID.randomUUID(), organization);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    Patient patient = new Patient();
    patient.addName().setFamily("Indexed" + run);
    post(tx, patientUrl, patient);
    // a placeholder reference, replaced in the second pass
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem("urn:consentry:test").setCode("tx-" + run);
    observation.setSubject(new Reference(patientUrl));
    post(tx, "urn:uuid:" + UUID.randomUUID(), observation);

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
