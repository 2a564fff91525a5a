package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.List;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.consentry.crypto.InMemoryDataKeyStore;
import org.consentry.crypto.KeyDestroyedException;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldEncryptorTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static KeyRing keyRing;
  private static FieldEncryptor fields;
  private static MasterKeystore keys;

  @BeforeAll
  static void keys(@TempDir Path dir) {
    keys = MasterKeystore.create(dir.resolve("k.bcfks"), "unit-test-passphrase".toCharArray());
    keyRing = KeyRing.builder(keys, new InMemoryDataKeyStore()).build();
    fields = new FieldEncryptor(FHIR, new AesGcmFieldCipher(keyRing), EncryptionPolicy.defaults());
  }

  private static Patient patient(String id) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addName().setFamily("Franecki195").addGiven("Hortense60");
    patient.addTelecom().setValue("555-599-4265");
    patient.addAddress().addLine("551 Sawayn Lock").setCity("Quincy");
    patient
        .addIdentifier()
        .setSystem("http://hl7.org/fhir/sid/us-ssn")
        .setValue("999-41-3819")
        .getType()
        .addCoding()
        .setCode("SS");
    patient
        .getText()
        .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Hortense60</div>");
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    return patient;
  }

  private static String json(Resource resource) {
    return FHIR.newJsonParser().encodeResourceToString(resource);
  }

  @Test
  void patient_encrypted_holdsNoPlaintext_andDecryptsBack() {
    Patient original = patient("p1");
    Patient stored = original.copy();

    assertThat(fields.encrypt(stored, "p1")).isEqualTo(5);

    String text = json(stored);
    assertThat(text)
        .doesNotContain(
            "Franecki195", "Hortense60", "555-599-4265", "Sawayn", "Quincy", "999-41-3819")
        .contains(FieldEncryptor.ENCRYPTED, "masked", "us-ssn", "female");
    Patient reparsed = FHIR.newJsonParser().parseResource(Patient.class, text);
    fields.decrypt(reparsed);
    assertThat(json(reparsed)).isEqualTo(json(original));
  }

  @Test
  void encrypt_twice_isIdempotent() {
    Patient stored = patient("p2");
    fields.encrypt(stored, "p2");
    String once = json(stored);
    assertThat(fields.encrypt(stored, "p2")).isZero();
    assertThat(json(stored)).isEqualTo(once);
  }

  @Test
  void ciphertext_movedToAnotherPatient_readsMasked() {
    Patient stored = patient("p3");
    fields.encrypt(stored, "p3");
    Patient moved = FHIR.newJsonParser().parseResource(Patient.class, json(stored));
    moved.setId("p4");
    fields.decrypt(moved);
    assertThat(json(moved))
        .doesNotContain("Franecki195")
        .doesNotContain(FieldEncryptor.ENCRYPTED)
        .contains("masked");
  }

  @Test
  void observation_valueString_andNote_encrypted_valueQuantity_onlyWhenRestricted() {
    Observation plain = new Observation();
    plain.setId("o1");
    plain.setSubject(new Reference("Patient/p5").setDisplay("Hortense60 Franecki195"));
    plain.setValue(new Quantity(42.5));
    plain.addNote(new Annotation().setText("lives alone"));
    Observation restricted = plain.copy();
    restricted.getMeta().addSecurity(new Coding(EncryptionPolicy.CONFIDENTIALITY, "R", null));
    Observation text = plain.copy();
    text.setValue(new org.hl7.fhir.r4.model.StringType("feels sad"));

    fields.encrypt(plain, "p5");
    fields.encrypt(restricted, "p5");
    fields.encrypt(text, "p5");

    assertThat(json(plain)).contains("42.5").doesNotContain("lives alone", "Hortense60");
    assertThat(json(restricted)).doesNotContain("42.5", "lives alone");
    assertThat(json(text)).doesNotContain("feels sad");
    fields.decrypt(restricted);
    assertThat(restricted.getValueQuantity().getValue().doubleValue()).isEqualTo(42.5);
    assertThat(restricted.getSubject().getDisplay()).isEqualTo("Hortense60 Franecki195");
    fields.decrypt(text);
    assertThat(text.getValueStringType().getValue()).isEqualTo("feels sad");
  }

  @Test
  void destroyedKey_leavesFieldsMasked_andRefusesNewData() {
    Patient stored = patient("p6");
    fields.encrypt(stored, "p6");
    keyRing.destroy("p6");

    fields.decrypt(stored);

    assertThat(json(stored))
        .doesNotContain("Franecki195", FieldEncryptor.ENCRYPTED)
        .contains("masked", "female");
    assertThatThrownBy(() -> fields.encrypt(patient("p6"), "p6"))
        .isInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void resourceOfNoPatient_withNothingToEncrypt_needsNoKey() {
    Encounter encounter = new Encounter();
    encounter.setId("e1");
    assertThat(fields.encrypt(encounter, "destroyed-or-not")).isZero();
  }

  @Test
  void blindIndexTokens_areDomainSeparated_andNormalized() {
    BlindIndexTokens tokens = new BlindIndexTokens(HmacSha256BlindIndex.from(keys));
    Patient patient = patient("p7");
    patient.addIdentifier(new Identifier().setSystem(BlindIndexTokens.FAMILY).setValue("stale"));

    List<Identifier> entries = tokens.tokensOf(patient);

    assertThat(patient.getIdentifier()).hasSize(1);
    assertThat(entries)
        .extracting(Identifier::getSystem)
        .containsExactly(
            BlindIndexTokens.IDENTIFIER,
            BlindIndexTokens.IDENTIFIER_VALUE,
            BlindIndexTokens.FAMILY,
            BlindIndexTokens.NAME,
            BlindIndexTokens.GIVEN,
            BlindIndexTokens.NAME);
    assertThat(tokens.token(BlindIndexTokens.FAMILY, " FRANECKI195 "))
        .isEqualTo(entries.get(2).getValue())
        .isNotEqualTo(entries.get(3).getValue());
  }

  @Test
  void policy_paths() {
    EncryptionPolicy policy = EncryptionPolicy.defaults();
    assertThat(policy.encrypts("Patient", "name", "HumanName", false)).isTrue();
    assertThat(policy.encrypts("Patient", "gender", "code", false)).isFalse();
    assertThat(policy.encrypts("Patient", "identifier.value", "string", false)).isTrue();
    assertThat(policy.encrypts("Patient", "identifier.system", "uri", false)).isFalse();
    assertThat(policy.encrypts("Observation", "value[x]", "string", false)).isTrue();
    assertThat(policy.encrypts("Observation", "value[x]", "Quantity", false)).isFalse();
    assertThat(policy.encrypts("Observation", "value[x]", "Quantity", true)).isTrue();
    assertThat(policy.encrypts("Condition", "text.div", "xhtml", false)).isTrue();
    assertThat(policy.encrypts("Condition", "note", "Annotation", true)).isTrue();
    assertThatThrownBy(() -> new EncryptionPolicy(List.of("name"), List.of()))
        .hasMessageContaining("element path");
  }
}
