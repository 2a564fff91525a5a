package org.consentry.crypto.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps a 256-bit data key under a key-encryption key with AES-256-GCM, binding the wrapped key to
 * its key id, its version and the KEK version through the associated data: a wrapped key copied to
 * another row (another patient, another version) fails to unwrap instead of silently decrypting
 * with the wrong key. Chosen over RFC 5649 key wrap, which has no associated data.
 *
 * <p>Wrapped format (60 bytes): nonce (12) || AES-GCM ciphertext of the 32 key bytes (32) || tag
 * (16). Associated data: the ASCII bytes {@code "consentry-dek-v1"}, then the key id's UTF-8 length
 * (4 bytes, big-endian) and bytes, the data-key version (4 bytes) and the KEK version (4 bytes).
 *
 * <p>Internal: not part of the API.
 */
public final class KeyWrap {

  public static final int KEY_BYTES = 32;
  public static final int WRAPPED_BYTES = Gcm.NONCE_BYTES + KEY_BYTES + Gcm.TAG_BYTES;
  private static final byte[] LABEL = "consentry-dek-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONE = new byte[0];

  private KeyWrap() {}

  public static byte[] wrap(SecretKey kek, int kekVersion, DataKey dataKey, SecureRandom random) {
    byte[] material = dataKey.key().getEncoded();
    try {
      byte[] out = new byte[WRAPPED_BYTES];
      byte[] nonce = new byte[Gcm.NONCE_BYTES];
      random.nextBytes(nonce);
      System.arraycopy(nonce, 0, out, 0, Gcm.NONCE_BYTES);
      byte[] aad = aad(dataKey.keyId(), dataKey.version(), kekVersion);
      Gcm.encrypt(
          kek, out, 0, aad, 0, aad.length, NONE, material, 0, KEY_BYTES, out, Gcm.NONCE_BYTES);
      return out;
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /**
   * @throws AEADBadTagException if the bytes were not wrapped under this KEK for this key id,
   *     version and KEK version
   */
  public static DataKey unwrap(
      SecretKey kek, int kekVersion, String keyId, int version, byte[] wrapped)
      throws AEADBadTagException {
    if (wrapped.length != WRAPPED_BYTES) {
      throw new AEADBadTagException("wrapped data key has the wrong length");
    }
    byte[] material = new byte[KEY_BYTES];
    try {
      byte[] aad = aad(keyId, version, kekVersion);
      Gcm.decrypt(
          kek,
          wrapped,
          0,
          aad,
          0,
          aad.length,
          NONE,
          wrapped,
          Gcm.NONCE_BYTES,
          KEY_BYTES + Gcm.TAG_BYTES,
          material,
          0);
      return new DataKey(keyId, version, new SecretKeySpec(material, "AES"));
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  private static byte[] aad(String keyId, int version, int kekVersion) {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(LABEL.length + 4 + id.length + 8)
        .put(LABEL)
        .putInt(id.length)
        .put(id)
        .putInt(version)
        .putInt(kekVersion)
        .array();
  }
}
