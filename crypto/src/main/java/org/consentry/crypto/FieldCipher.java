package org.consentry.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Authenticated encryption of one field value, bound to where it is stored.
 *
 * <p>Guarantee: without the data key, a ciphertext reveals nothing of the plaintext but its length;
 * and {@link #decrypt} returns a plaintext only if the ciphertext was produced by {@link #encrypt}
 * under the same data key for an equal {@link FieldContext}, unmodified. Encryption is randomized:
 * the same value encrypts differently each time (for equality search use a {@link BlindIndex}).
 * Implementations are thread-safe.
 *
 * <p>Failure: {@link #decrypt} throws {@link DecryptionException} when the ciphertext is malformed,
 * tampered with, moved to another context, or its key is wrong or unknown, and its subclass {@link
 * KeyDestroyedException} when the key was destroyed; {@link #encrypt} throws {@link
 * KeyDestroyedException} for a destroyed key id. No exception message contains data, keys or
 * context.
 */
public interface FieldCipher {

  /** Encrypts {@code plaintext} under the current data key of {@code context.keyId()}. */
  byte[] encrypt(byte[] plaintext, FieldContext context);

  /**
   * Decrypts a ciphertext of {@link #encrypt}, under the key version recorded in it.
   *
   * @throws DecryptionException if the ciphertext is not authentic for this context
   * @throws KeyDestroyedException if its data key was destroyed
   */
  byte[] decrypt(byte[] ciphertext, FieldContext context);

  /**
   * {@link #encrypt} of the UTF-8 bytes of {@code plaintext}, encoded as unpadded base64url (RFC
   * 4648 section 5): a compact ASCII string for a FHIR extension's {@code valueString}.
   */
  default String encryptString(String plaintext, FieldContext context) {
    byte[] ciphertext = encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext);
  }

  /**
   * Inverse of {@link #encryptString}.
   *
   * @throws DecryptionException also if {@code encoded} is not base64url
   */
  default String decryptString(String encoded, FieldContext context) {
    byte[] ciphertext;
    try {
      ciphertext = Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("decryption failed: ciphertext is not base64url");
    }
    return new String(decrypt(ciphertext, context), StandardCharsets.UTF_8);
  }
}
