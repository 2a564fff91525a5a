package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.consentry.server.consent.ExportOutputAccess;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class ServerMarkersTest {

  private static Extension marker(String ciphertext) {
    return new Extension(FieldEncryptor.ENCRYPTED, new StringType(ciphertext));
  }

  private static Patient patientWithMarkedName(String ciphertext) {
    Patient patient = new Patient();
    patient.setId("p1");
    HumanName name = patient.addName();
    name.addExtension(FieldEncryptor.DATA_ABSENT, new CodeType("masked"));
    name.addExtension(marker(ciphertext));
    return patient;
  }

  private static List<String> paths(List<ServerMarkers.Marker> markers) {
    return markers.stream().map(ServerMarkers.Marker::path).toList();
  }

  @Test
  void create_withMarkerOnAnElement_isRefused() {
    assertThat(paths(ServerMarkers.notAllowed(patientWithMarkedName("AQ-copied"), null)))
        .containsExactly("Patient.name.extension");
  }

  @Test
  void markerOnAPrimitive_inAContainedResource_andInANestedBundleEntry_areFound() {
    Observation observation = new Observation();
    StringType value = new StringType();
    value.addExtension(marker("AQ-a"));
    observation.setValue(value);
    Patient contained = new Patient();
    contained.setId("c1");
    contained.addIdentifier().setSystem("urn:mrn").getValueElement().addExtension(marker("AQ-b"));
    observation.addContained(contained);
    Bundle inner = new Bundle().setType(Bundle.BundleType.COLLECTION);
    inner.addEntry().setResource(observation);
    Bundle outer = new Bundle().setType(Bundle.BundleType.COLLECTION);
    outer.addEntry().setResource(inner);

    assertThat(paths(ServerMarkers.notAllowed(outer, null)))
        .containsExactlyInAnyOrder(
            "Bundle.entry.resource(Bundle).entry.resource(Observation).contained(Patient).identifier.value.extension",
            "Bundle.entry.resource(Bundle).entry.resource(Observation).value[x].extension");
  }

  @Test
  void markerAsAModifierExtension_orInsideAnExtension_orWithoutAValue_isFound() {
    Patient patient = new Patient();
    patient.addModifierExtension(marker("AQ-m"));
    Extension wrapper = new Extension("urn:wrapper");
    wrapper.addExtension(new Extension(FieldEncryptor.ENCRYPTED));
    patient.addExtension(wrapper);

    assertThat(ServerMarkers.notAllowed(patient, null)).hasSize(2);
  }

  @Test
  void update_keepingTheStoredCiphertext_isAllowed_aDifferentOneIsNot() {
    Patient stored = patientWithMarkedName("AQ-stored");
    Patient patched = stored.copy();
    patched.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);

    assertThat(ServerMarkers.notAllowed(patched, stored)).isEmpty();
    assertThat(paths(ServerMarkers.notAllowed(patientWithMarkedName("AQ-other"), stored)))
        .containsExactly("Patient.name.extension");
  }

  @Test
  void blindIndexIdentifier_onAPatient_isRefused_unlessTheStoredVersionHasIt() {
    Patient written = new Patient();
    written.addIdentifier(new Identifier().setSystem(BlindIndexTokens.FAMILY).setValue("token-1"));
    written.addIdentifier(new Identifier().setSystem("urn:mrn").setValue("42"));
    Patient stored = new Patient();
    stored.addIdentifier(new Identifier().setSystem(BlindIndexTokens.FAMILY).setValue("token-1"));

    assertThat(paths(ServerMarkers.notAllowed(written, null)))
        .containsExactly("Patient.identifier");
    assertThat(ServerMarkers.notAllowed(written, stored)).isEmpty();
    Patient otherToken = new Patient();
    otherToken.addIdentifier(
        new Identifier().setSystem(BlindIndexTokens.FAMILY).setValue("token-2"));
    assertThat(ServerMarkers.notAllowed(otherToken, stored)).hasSize(1);
  }

  @Test
  void exportRequesterSecurityContext_isRefused_evenOnUpdate() {
    Binary binary = new Binary().setContentType("application/fhir+ndjson");
    binary.setSecurityContext(
        new Reference()
            .setIdentifier(
                new Identifier().setSystem(ExportOutputAccess.SYSTEM).setValue("someone")));

    assertThat(ServerMarkers.notAllowed(binary, binary.copy()))
        .extracting(ServerMarkers.Marker::kind)
        .containsExactly(ServerMarkers.Kind.EXPORT_REQUESTER);
    binary.getSecurityContext().getIdentifier().setSystem("urn:other");
    assertThat(ServerMarkers.notAllowed(binary, null)).isEmpty();
  }

  @Test
  void resourceInParameters_isSearchedToo_andAPlainResource_hasNone() {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("resource").setResource(patientWithMarkedName("AQ-p"));

    assertThat(ServerMarkers.notAllowed(parameters, null)).hasSize(1);
    Patient plain = new Patient();
    plain.addName().setFamily("Plain").addExtension("urn:some:other", new StringType("x"));
    assertThat(ServerMarkers.in(plain)).isEmpty();
  }

  @Test
  void ciphertexts_listsTheValuesOfEveryMarker() {
    Bundle bundle = new Bundle();
    bundle.addEntry().setResource(patientWithMarkedName("AQ-1"));
    bundle.addEntry().setResource(patientWithMarkedName("AQ-2"));

    assertThat(ServerMarkers.ciphertexts(bundle)).containsExactly("AQ-1", "AQ-2");
  }
}
