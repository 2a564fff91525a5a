package org.consentry.server.crypto;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.InMemoryDataKeyStore;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.util.FileSystemUtils;

/**
 * For tests of other features: a resource in the form the server stores it, its fields encrypted by
 * the real {@link FieldEncryptor} under a throw-away keystore.
 */
public final class StoredForms {

  /** The encrypted element's extension, which holds the ciphertext. */
  public static final String ENCRYPTED = FieldEncryptor.ENCRYPTED;

  private StoredForms() {}

  /**
   * A copy of the resource with the elements named by {@code encrypt} (paths as in {@code
   * consentry.crypto.encrypt}) and the default restricted-label paths encrypted.
   */
  public static <T extends Resource> T encrypted(T resource, List<String> encrypt) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("stored-forms");
      MasterKeystore keys =
          MasterKeystore.create(dir.resolve("k.bcfks"), "unit-test-passphrase".toCharArray());
      KeyRing keyRing = KeyRing.builder(keys, new InMemoryDataKeyStore()).build();
      FieldEncryptor fields =
          new FieldEncryptor(
              FhirContext.forR4Cached(),
              new AesGcmFieldCipher(keyRing),
              new EncryptionPolicy(encrypt, List.of("*.value[x]", "*.note")));
      @SuppressWarnings("unchecked")
      T stored = (T) resource.copy();
      fields.encrypt(stored, "p1");
      return stored;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      if (dir != null) {
        FileSystemUtils.deleteRecursively(dir.toFile());
      }
    }
  }
}
