package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.consentry.consent.Requester;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.InMemoryDataKeyStore;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.consent.ExportOutputAccess;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which NDJSON files are decrypted as they are downloaded: only the server's export files, for
 * their requester.
 */
class DecryptionInterceptorTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String NDJSON = "application/fhir+ndjson";
  private static DecryptionInterceptor decryption;
  private static String storedLine;

  @BeforeAll
  static void storedPatientLine(@TempDir Path dir) {
    MasterKeystore keys =
        MasterKeystore.create(dir.resolve("k.bcfks"), "unit-test-passphrase".toCharArray());
    KeyRing keyRing = KeyRing.builder(keys, new InMemoryDataKeyStore()).build();
    FieldEncryptor fields =
        new FieldEncryptor(FHIR, new AesGcmFieldCipher(keyRing), EncryptionPolicy.defaults());
    FieldEncryptor binaryData =
        new FieldEncryptor(
            FHIR,
            new AesGcmFieldCipher(keyRing),
            new EncryptionPolicy(List.of("Binary.data"), List.of()));
    decryption =
        new DecryptionInterceptor(
            new ResourceEncryption(
                fields, binaryData, new KeyOwners(new PatientCompartment(FHIR), null)),
            FHIR);
    Patient patient = new Patient();
    patient.setId("victim-1");
    patient.addName().setFamily("Victimized");
    fields.encrypt(patient, "victim-1");
    storedLine = FHIR.newJsonParser().encodeResourceToString(patient);
  }

  private static Binary file(Reference securityContext) {
    Binary binary =
        new Binary()
            .setContentType(NDJSON)
            .setData((storedLine + "\n").getBytes(StandardCharsets.UTF_8));
    return binary.setSecurityContext(securityContext);
  }

  private static Reference exportContext(String subject) {
    return new Reference()
        .setIdentifier(new Identifier().setSystem(ExportOutputAccess.SYSTEM).setValue(subject));
  }

  private static String downloadedBy(String subject, Binary binary) {
    SystemRequestDetails request = new SystemRequestDetails();
    Requesters.setOnInternalRequest(
        request,
        new Requester(
            Requester.Kind.SYSTEM, subject, null, null, null, null, null, "TREAT", "client"));
    decryption.show(new SimplePreResourceShowDetails(binary), request);
    return new String(binary.getData(), StandardCharsets.UTF_8);
  }

  @Test
  void exportFile_isDecrypted_forItsRequester() {
    assertThat(downloadedBy("ehr", file(exportContext("ehr"))))
        .contains("Victimized")
        .doesNotContain(FieldEncryptor.ENCRYPTED);
  }

  @Test
  void exportFile_ofAnotherRequester_staysCiphertext() {
    assertThat(downloadedBy("intruder", file(exportContext("ehr"))))
        .doesNotContain("Victimized")
        .contains(FieldEncryptor.ENCRYPTED);
  }

  @Test
  void uploadedNdjson_withACopiedCiphertextLine_staysCiphertext() {
    assertThat(downloadedBy("ehr", file(null))).isEqualTo(storedLine + "\n");
    assertThat(downloadedBy("ehr", file(new Reference("Patient/victim-1"))))
        .isEqualTo(storedLine + "\n");
    assertThat(
            downloadedBy(
                "ehr",
                file(
                    new Reference()
                        .setIdentifier(new Identifier().setSystem("urn:other").setValue("ehr")))))
        .isEqualTo(storedLine + "\n");
  }
}
