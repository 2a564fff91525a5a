package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.InMemoryDataKeyStore;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceEncryptionTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String SSN = "999-12-3456";
  private static KeyRing keyRing;
  private static FieldEncryptor fields;
  private static ResourceEncryption encryption;

  @BeforeAll
  static void keys(@TempDir Path dir) {
    MasterKeystore keys =
        MasterKeystore.create(dir.resolve("k.bcfks"), "unit-test-passphrase".toCharArray());
    keyRing = KeyRing.builder(keys, new InMemoryDataKeyStore()).build();
    fields = new FieldEncryptor(FHIR, new AesGcmFieldCipher(keyRing), EncryptionPolicy.defaults());
    FieldEncryptor binaryData =
        new FieldEncryptor(
            FHIR,
            new AesGcmFieldCipher(keyRing),
            new EncryptionPolicy(List.of("Binary.data"), List.of()));
    encryption =
        new ResourceEncryption(
            fields, binaryData, new KeyOwners(new PatientCompartment(FHIR), null));
  }

  private static Patient patient(String id) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addName().setFamily("Bundled").addGiven("Berta");
    patient.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue(SSN);
    return patient;
  }

  private static Observation note(String subject, String text) {
    Observation observation = new Observation();
    observation.setSubject(new Reference(subject));
    observation.setValue(new StringType(text));
    return observation;
  }

  private static String json(Resource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  /** What a reader gets: the stored text parsed again, then decrypted. */
  private static <T extends Resource> T storedAndRead(T stored) {
    @SuppressWarnings("unchecked")
    T read = (T) FHIR.newJsonParser().parseResource(stored.getClass(), json(stored));
    encryption.decrypt(read);
    return read;
  }

  @Test
  void collectionBundle_entriesEncryptedUnderTheirOwnersKeys_andReadBack() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle.setId("b1");
    bundle.addEntry().setFullUrl("urn:uuid:berta").setResource(patient("berta-1"));
    bundle.addEntry().setResource(note("urn:uuid:berta", "lives alone"));
    bundle.addEntry().setResource(note("Patient/other-1", "other's note"));
    String original = json(bundle);

    encryption.encrypt(bundle, KeyOwners.SHARED);

    String stored = json(bundle);
    assertThat(stored)
        .doesNotContain(SSN, "Bundled", "lives alone", "other's note")
        .contains(FieldEncryptor.ENCRYPTED);
    assertThat(keyIds(bundle.getEntry().get(0).getResource())).containsOnly("berta-1");
    assertThat(keyIds(bundle.getEntry().get(1).getResource())).containsOnly("berta-1");
    assertThat(keyIds(bundle.getEntry().get(2).getResource())).containsOnly("other-1");
    assertThat(json(storedAndRead(bundle))).isEqualTo(original);
  }

  @Test
  void nestedBundle_andEntryWithoutAnId_areEncryptedAndReadBack() {
    Patient noId = patient(null);
    Bundle inner = new Bundle().setType(Bundle.BundleType.DOCUMENT);
    inner.addEntry().setResource(noId);
    inner.addEntry().setResource(note("Patient/nested-1", "nested note"));
    Bundle outer = new Bundle().setType(Bundle.BundleType.COLLECTION);
    outer.addEntry().setResource(inner);
    String original = json(outer);

    encryption.encrypt(outer, KeyOwners.SHARED);

    assertThat(json(outer)).doesNotContain(SSN, "nested note");
    assertThat(keyIds(outer)).containsOnly(KeyOwners.SHARED, "nested-1");
    assertThat(json(storedAndRead(outer))).isEqualTo(original);
  }

  @Test
  void fieldEncryptorAlone_leavesTheEntriesOfAStoredBundleAlone() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle.addEntry().setResource(note("Patient/alone-1", "kept"));
    encryption.encrypt(bundle, KeyOwners.SHARED);
    String stored = json(bundle);

    assertThat(fields.decrypt(bundle)).isZero();
    assertThat(json(bundle)).isEqualTo(stored);
  }

  @Test
  void patientBinary_dataEncryptedUnderThePatientsKey_aBinaryOfNobodyStaysAsSent() {
    byte[] data =
        ("{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"" + SSN + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    Binary owned = new Binary().setContentType("application/fhir+ndjson").setData(data);
    owned.setId("bin-1");
    owned.setSecurityContext(new Reference("Patient/owner-1"));
    Binary nobodys = new Binary().setContentType("text/plain").setData(data);
    nobodys.setId("bin-2");

    encryption.encrypt(owned, "owner-1");
    encryption.encrypt(nobodys, KeyOwners.SHARED);

    assertThat(owned.getData()).isNull();
    assertThat(json(owned))
        .doesNotContain(Base64.getEncoder().encodeToString(data))
        .contains(FieldEncryptor.ENCRYPTED);
    assertThat(keyIds(owned)).containsOnly("owner-1");
    assertThat(storedAndRead(owned).getData()).isEqualTo(data);
    assertThat(nobodys.getData()).isEqualTo(data);
  }

  @Test
  void containedPatient_isEncryptedUnderTheContainersKey_evenWithoutAnId() {
    Observation observation = note("#c1", "contained note");
    observation.setId("o1");
    Patient contained = patient("c1");
    observation.addContained(contained);
    observation.addContained(patient(null));

    encryption.encrypt(observation, "container-1");

    assertThat(json(observation)).doesNotContain(SSN, "Bundled", "contained note");
    assertThat(keyIds(observation)).containsOnly("container-1");
    Observation read = storedAndRead(observation);
    assertThat(read.getContained())
        .allSatisfy(
            p -> assertThat(((Patient) p).getIdentifierFirstRep().getValue()).isEqualTo(SSN));
    assertThat(read.getValueStringType().getValue()).isEqualTo("contained note");
  }

  @Test
  void erasedOwner_masksItsEntries_othersStayReadable_andNewEntriesOfItAre422() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle.addEntry().setResource(patient("erased-1"));
    bundle.addEntry().setResource(patient("kept-1"));
    encryption.encrypt(bundle, KeyOwners.SHARED);
    keyRing.destroy("erased-1");

    Bundle read = storedAndRead(bundle);

    assertThat(json(read.getEntry().get(0).getResource()))
        .doesNotContain(SSN, FieldEncryptor.ENCRYPTED)
        .contains("masked");
    assertThat(json(read.getEntry().get(1).getResource())).contains(SSN);
    Bundle again = new Bundle().setType(Bundle.BundleType.COLLECTION);
    again.addEntry().setResource(patient("erased-1"));
    assertThatThrownBy(() -> encryption.encrypt(again, KeyOwners.SHARED))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Patient/erased-1");
  }

  private static List<String> keyIds(Resource resource) {
    return FieldEncryptor.keyIdsOf(resource);
  }
}
