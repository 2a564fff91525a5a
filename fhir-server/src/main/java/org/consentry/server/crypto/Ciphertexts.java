package org.consentry.server.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.consentry.crypto.DecryptionException;

/**
 * Reads the clear header of a stored ciphertext (format v1 of {@link
 * org.consentry.crypto.AesGcmFieldCipher}: version byte, key-id length, key id, 4-byte data-key
 * version), so a reader knows which key to ask for without working out the resource's owner again.
 * The header is authenticated by the cipher: reading it here grants nothing.
 */
final class Ciphertexts {

  private Ciphertexts() {}

  static String keyId(String encoded) {
    byte[] bytes = header(encoded);
    return new String(bytes, 2, bytes[1] & 0xff, StandardCharsets.UTF_8);
  }

  static int keyVersion(String encoded) {
    byte[] b = header(encoded);
    int at = 2 + (b[1] & 0xff);
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static byte[] header(String encoded) {
    byte[] bytes;
    try {
      bytes =
          Base64.getUrlDecoder()
              .decode(encoded.length() > 400 ? encoded.substring(0, 400) : encoded);
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("decryption failed: ciphertext is not base64url");
    }
    if (bytes.length < 7 || bytes[0] != 1 || bytes.length < 6 + (bytes[1] & 0xff)) {
      throw new DecryptionException("decryption failed: ciphertext is malformed");
    }
    return bytes;
  }
}
