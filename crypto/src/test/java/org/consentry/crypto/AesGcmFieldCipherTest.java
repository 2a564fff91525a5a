package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AesGcmFieldCipherTest {

  @TempDir static Path dir;
  static MasterKeystore masterKeys;

  private final FieldContext birthDate =
      new FieldContext("pat-1", "Patient", "pat-1", "Patient.birthDate");
  private InMemoryDataKeyStore store;
  private KeyRing keyRing;
  private AesGcmFieldCipher cipher;

  @BeforeAll
  static void keystore() {
    masterKeys = TestKeys.newKeystore(dir, "cipher");
  }

  @BeforeEach
  void ring() {
    store = new InMemoryDataKeyStore();
    keyRing = KeyRing.builder(masterKeys, store).build();
    cipher = new AesGcmFieldCipher(keyRing);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 32, 4096, 16 * 1024, 100_000})
  void decrypt_ofEncrypt_returnsPlaintext(int size) {
    byte[] plaintext = new byte[size];
    new Random(size).nextBytes(plaintext);
    byte[] ciphertext = cipher.encrypt(plaintext, birthDate);
    assertThat(ciphertext).hasSize(size + 34 + "pat-1".length());
    assertThat(cipher.decrypt(ciphertext, birthDate)).isEqualTo(plaintext);
  }

  @Test
  void decryptString_ofEncryptString_returnsTextAndIsBase64Url() {
    String encoded = cipher.encryptString("1970-01-01 Ünïcödé ✓", birthDate);
    assertThat(encoded).matches("[A-Za-z0-9_-]+");
    assertThat(cipher.decryptString(encoded, birthDate)).isEqualTo("1970-01-01 Ünïcödé ✓");
  }

  @Test
  void encrypt_sameValueTwice_givesDifferentCiphertexts() {
    byte[] value = "1970-01-01".getBytes(StandardCharsets.UTF_8);
    assertThat(cipher.encrypt(value, birthDate)).isNotEqualTo(cipher.encrypt(value, birthDate));
  }

  @Test
  void encrypt_writesDocumentedHeader() {
    byte[] ct = cipher.encrypt(new byte[5], birthDate);
    assertThat(ct[0]).isEqualTo((byte) 0x01);
    assertThat(ct[1]).isEqualTo((byte) 5);
    assertThat(new String(ct, 2, 5, StandardCharsets.UTF_8)).isEqualTo("pat-1");
    assertThat(Arrays.copyOfRange(ct, 7, 11)).containsExactly(0, 0, 0, 1);
    assertThat(ct).hasSize(1 + 1 + 5 + 4 + 12 + 5 + 16);
  }

  @Test
  void decrypt_withAnyByteFlipped_fails() {
    byte[] ciphertext = cipher.encrypt("1970-01-01".getBytes(StandardCharsets.UTF_8), birthDate);
    IntStream.range(0, ciphertext.length)
        .forEach(
            i -> {
              byte[] tampered = ciphertext.clone();
              tampered[i] ^= 0x01;
              assertThatThrownBy(() -> cipher.decrypt(tampered, birthDate))
                  .as("byte %d", i)
                  .isInstanceOf(DecryptionException.class)
                  .isNotInstanceOf(KeyDestroyedException.class);
            });
  }

  @Test
  void decrypt_truncatedOrExtended_fails() {
    byte[] ciphertext = cipher.encrypt("1970-01-01".getBytes(StandardCharsets.UTF_8), birthDate);
    for (int length : new int[] {0, 1, 10, ciphertext.length - 1, ciphertext.length + 1}) {
      byte[] cut = Arrays.copyOf(ciphertext, length);
      assertThatThrownBy(() -> cipher.decrypt(cut, birthDate))
          .as("length %d", length)
          .isInstanceOf(DecryptionException.class);
    }
  }

  @Test
  void decrypt_movedToAnotherResourceTypeIdPathOrKeyId_fails() {
    byte[] ciphertext = cipher.encrypt("1970-01-01".getBytes(StandardCharsets.UTF_8), birthDate);
    cipher.encrypt(new byte[1], new FieldContext("pat-2", "Patient", "pat-2", "x")); // pat-2 key
    for (FieldContext moved :
        new FieldContext[] {
          new FieldContext("pat-1", "RelatedPerson", "pat-1", "Patient.birthDate"),
          new FieldContext("pat-1", "Patient", "pat-9", "Patient.birthDate"),
          new FieldContext("pat-1", "Patient", "pat-1", "Patient.deceasedDateTime"),
          new FieldContext("pat-2", "Patient", "pat-1", "Patient.birthDate"),
          // same concatenation of location strings, different split: length prefixes tell apart
          new FieldContext("pat-1", "Patientpat-1", "", "Patient.birthDate")
        }) {
      assertThatThrownBy(() -> cipher.decrypt(ciphertext, moved))
          .as("%s", moved)
          .isInstanceOf(DecryptionException.class);
    }
  }

  @Test
  void decrypt_withAnotherKeyForSameKeyId_fails() {
    byte[] ciphertext = cipher.encrypt("1970-01-01".getBytes(StandardCharsets.UTF_8), birthDate);
    KeyRing otherRing = KeyRing.builder(masterKeys, new InMemoryDataKeyStore()).build();
    AesGcmFieldCipher other = new AesGcmFieldCipher(otherRing);
    other.encrypt(new byte[1], birthDate); // creates a different version-1 key for pat-1

    assertThatThrownBy(() -> other.decrypt(ciphertext, birthDate))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("authentication failed");
  }

  @Test
  void decrypt_afterDestroy_failsWithKeyDestroyed() {
    byte[] ciphertext = cipher.encrypt("1970-01-01".getBytes(StandardCharsets.UTF_8), birthDate);
    keyRing.destroy("pat-1");
    assertThatThrownBy(() -> cipher.decrypt(ciphertext, birthDate))
        .isInstanceOf(KeyDestroyedException.class);
    assertThatThrownBy(() -> cipher.encrypt(new byte[1], birthDate))
        .isInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void decrypt_ofUnknownKeyId_failsWithoutDestroyed() {
    byte[] ciphertext = cipher.encrypt("x".getBytes(StandardCharsets.UTF_8), birthDate);
    AesGcmFieldCipher empty =
        new AesGcmFieldCipher(KeyRing.builder(masterKeys, new InMemoryDataKeyStore()).build());
    assertThatThrownBy(() -> empty.decrypt(ciphertext, birthDate))
        .isInstanceOf(DecryptionException.class)
        .isNotInstanceOf(KeyDestroyedException.class);
  }

  @Test
  void decryptionFailure_message_leaksNeitherDataNorContext() {
    String secret = "HIV-positive 1970-01-01";
    byte[] ciphertext = cipher.encrypt(secret.getBytes(StandardCharsets.UTF_8), birthDate);
    FieldContext moved = new FieldContext("pat-1", "Patient", "other-77", "Patient.secretPath");
    assertThatThrownBy(() -> cipher.decrypt(ciphertext, moved))
        .isInstanceOf(DecryptionException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(secret)
                    .doesNotContain("pat-1")
                    .doesNotContain("other-77")
                    .doesNotContain("secretPath"));
  }

  @Test
  void decryptString_notBase64Url_fails() {
    assertThatThrownBy(() -> cipher.decryptString("not base64!", birthDate))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void decrypt_unsupportedFormatVersion_failsSaying() {
    byte[] ciphertext = cipher.encrypt(new byte[3], birthDate);
    ciphertext[0] = 0x02;
    assertThatThrownBy(() -> cipher.decrypt(ciphertext, birthDate))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("format version");
  }

  @Test
  void decrypt_afterDataKeyRotation_oldDecryptsAndNewUsesNewVersion() {
    byte[] old = cipher.encrypt("old".getBytes(StandardCharsets.UTF_8), birthDate);
    int version = keyRing.rotateDataKey("pat-1");
    byte[] fresh = cipher.encrypt("new".getBytes(StandardCharsets.UTF_8), birthDate);

    assertThat(version).isEqualTo(2);
    assertThat(Arrays.copyOfRange(old, 7, 11)).containsExactly(0, 0, 0, 1);
    assertThat(Arrays.copyOfRange(fresh, 7, 11)).containsExactly(0, 0, 0, 2);
    assertThat(cipher.decrypt(old, birthDate)).asString(StandardCharsets.UTF_8).isEqualTo("old");
    assertThat(cipher.decrypt(fresh, birthDate)).asString(StandardCharsets.UTF_8).isEqualTo("new");
  }

  @Test
  void encryptString_isCompact() {
    String encoded = cipher.encryptString("1970-01-01", birthDate);
    assertThat(Base64.getUrlDecoder().decode(encoded)).hasSize(10 + 34 + 5);
    assertThat(encoded).hasSize(66);
  }
}
