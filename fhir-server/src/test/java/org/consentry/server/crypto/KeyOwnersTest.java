package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.consentry.server.consent.ExportOutputAccess;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The key owners of resources that need no database lookup (references to other stored resources:
 * EncryptionBypassIT).
 */
class KeyOwnersTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private final KeyOwners owners = new KeyOwners(new PatientCompartment(FHIR), null);

  private static Bundle bundle(Resource... resources) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    for (Resource resource : resources) {
      String fullUrl = resource.getIdElement().getValue();
      bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
    }
    return bundle;
  }

  private static Observation observationOf(String subject) {
    Observation observation = new Observation();
    observation.setSubject(new Reference(subject));
    return observation;
  }

  @Test
  void patientEntry_withAPlainId_isItsOwnKey_withAUrnId_theSharedKey() {
    Patient known = new Patient();
    known.setId("p1");
    Patient anonymous = new Patient();
    anonymous.setId("urn:uuid:8b7c5d2e-0000-4000-8000-000000000001");
    Bundle bundle = bundle(known, anonymous);

    assertThat(owners.ofEntry(known, List.of(bundle))).isEqualTo("p1");
    assertThat(owners.ofEntry(anonymous, List.of(bundle))).isEqualTo(KeyOwners.SHARED);
  }

  @Test
  void entryReferencingAPatient_byIdOrByTheUrnOfAPatientEntry_hasThatPatientsKey() {
    Patient patient = new Patient();
    patient.setId("Patient/p2");
    Bundle bundle = bundle(patient);
    bundle.getEntryFirstRep().setFullUrl("urn:uuid:patient-entry");
    Observation byUrn = observationOf("urn:uuid:patient-entry");
    Observation byId = observationOf("Patient/p3");
    Observation dangling = observationOf("urn:uuid:not-in-the-bundle");

    assertThat(owners.ofEntry(byUrn, List.of(bundle))).isEqualTo("p2");
    assertThat(owners.ofEntry(byId, List.of(bundle))).isEqualTo("p3");
    assertThat(owners.ofEntry(dangling, List.of(bundle))).isEqualTo(KeyOwners.SHARED);
    assertThat(owners.ofEntry(new Organization(), List.of(bundle))).isEqualTo(KeyOwners.SHARED);
  }

  @Test
  void nestedBundle_resolvesAUrnInTheBundleAroundIt() {
    Patient patient = new Patient();
    patient.setId("p4");
    Bundle outer = bundle(patient);
    outer.getEntryFirstRep().setFullUrl("urn:uuid:outer-patient");
    Observation inner = observationOf("urn:uuid:outer-patient");

    assertThat(owners.ofEntry(inner, List.of(outer, bundle(inner)))).isEqualTo("p4");
  }

  @Test
  void binary_ownedThroughItsSecurityContext() {
    Binary direct = new Binary().setSecurityContext(new Reference("Patient/p5"));
    Patient patient = new Patient();
    patient.setId("p6");
    Bundle bundle = bundle(patient);
    bundle.getEntryFirstRep().setFullUrl("urn:uuid:p6");
    Binary byUrn = new Binary().setSecurityContext(new Reference("urn:uuid:p6"));
    Binary exportFile =
        new Binary()
            .setSecurityContext(
                new Reference()
                    .setIdentifier(
                        new Identifier().setSystem(ExportOutputAccess.SYSTEM).setValue("someone")));

    assertThat(owners.of(direct, null, null)).isEqualTo("p5");
    assertThat(owners.ofEntry(byUrn, List.of(bundle))).isEqualTo("p6");
    assertThat(owners.of(exportFile, null, null)).isEqualTo(KeyOwners.SHARED);
    assertThat(owners.of(new Binary(), null, null)).isEqualTo(KeyOwners.SHARED);
  }

  @Test
  void topLevelResource_hasItsCompartmentOwner() {
    Patient patient = new Patient();
    patient.setId("p7");
    assertThat(owners.of(patient, null, null)).isEqualTo("p7");
    assertThat(owners.of(observationOf("Patient/p8"), null, null)).isEqualTo("p8");
    assertThat(owners.of(new Organization(), null, null)).isEqualTo(KeyOwners.SHARED);
  }
}
