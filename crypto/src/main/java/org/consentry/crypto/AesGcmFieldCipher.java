package org.consentry.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.consentry.crypto.internal.DataKey;
import org.consentry.crypto.internal.Gcm;

/**
 * {@link FieldCipher} with AES-256-GCM (JDK provider, AES-NI), a random 96-bit nonce per value and
 * the data keys of a {@link KeyRing}.
 *
 * <h2>Ciphertext format, version 1</h2>
 *
 * <pre>
 * offset     bytes  field
 * 0          1      format version: 0x01
 * 1          1      L: length of the key id in UTF-8 bytes, 1..255
 * 2          L      key id, UTF-8 (e.g. the patient id)
 * 2+L        4      data-key version, unsigned big-endian, from 1
 * 6+L        12     nonce, random
 * 18+L       n      AES-256-GCM ciphertext of the n plaintext bytes
 * 18+L+n     16     GCM tag
 * </pre>
 *
 * <p>The GCM associated data is the whole header (bytes 0 to 18+L, so version, key id, key version
 * and nonce are authenticated) followed by the location of {@link FieldContext}: resource type,
 * resource id and element path, each as a 4-byte big-endian UTF-8 length and its bytes. Hence a
 * changed header byte, a ciphertext moved to another resource, element or key id, or a wrong key
 * all fail the tag check alike. The overhead is 34 + L bytes; the string form ({@link
 * #encryptString}) is the same bytes in unpadded base64url, about 4/3 as long.
 *
 * <p>Random 96-bit nonces keep the nonce-collision probability below 2^-32 for up to 2^32 values
 * per data-key version; rotate a data key long before that ({@link KeyRing#rotateDataKey}).
 * Plaintext is passed to GCM in slices of at most 16 KiB.
 */
public final class AesGcmFieldCipher implements FieldCipher {

  static final byte FORMAT_V1 = 0x01;
  private static final int FIXED_HEADER = 2 + 4 + Gcm.NONCE_BYTES;
  private static final int OVERHEAD = FIXED_HEADER + Gcm.TAG_BYTES;

  private final KeyRing keyRing;
  private final SecureRandom random;

  /** A cipher over the data keys of {@code keyRing}, with nonces from a new SecureRandom. */
  public AesGcmFieldCipher(KeyRing keyRing) {
    this(keyRing, new SecureRandom());
  }

  /** A cipher over the data keys of {@code keyRing}, with nonces from {@code random}. */
  public AesGcmFieldCipher(KeyRing keyRing, SecureRandom random) {
    this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public byte[] encrypt(byte[] plaintext, FieldContext context) {
    DataKey key = keyRing.dataKeyFor(context.keyId());
    byte[] keyId = key.keyIdUtf8();
    int header = FIXED_HEADER + keyId.length;
    byte[] out = new byte[header + plaintext.length + Gcm.TAG_BYTES];
    out[0] = FORMAT_V1;
    out[1] = (byte) keyId.length;
    System.arraycopy(keyId, 0, out, 2, keyId.length);
    putInt(out, 2 + keyId.length, key.version());
    int nonceAt = header - Gcm.NONCE_BYTES;
    byte[] nonce = new byte[Gcm.NONCE_BYTES];
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, nonceAt, Gcm.NONCE_BYTES);
    Gcm.encrypt(
        key.key(),
        nonce,
        0,
        out,
        0,
        header,
        context.encodeLocation(),
        plaintext,
        0,
        plaintext.length,
        out,
        header);
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, FieldContext context) {
    if (ciphertext.length < OVERHEAD + 1 || ciphertext[0] != FORMAT_V1) {
      throw new DecryptionException(
          ciphertext.length > 0 && ciphertext[0] != FORMAT_V1
              ? "decryption failed: unsupported ciphertext format version"
              : "decryption failed: ciphertext is too short");
    }
    int idLength = ciphertext[1] & 0xff;
    int header = FIXED_HEADER + idLength;
    if (idLength == 0 || ciphertext.length < header + Gcm.TAG_BYTES) {
      throw new DecryptionException("decryption failed: ciphertext is malformed");
    }
    byte[] expectedId = context.keyId().getBytes(StandardCharsets.UTF_8);
    if (!Arrays.equals(ciphertext, 2, 2 + idLength, expectedId, 0, expectedId.length)) {
      throw new DecryptionException("decryption failed: ciphertext belongs to another key id");
    }
    int version = getInt(ciphertext, 2 + idLength);
    if (version < 1) {
      throw new DecryptionException("decryption failed: ciphertext is malformed");
    }
    DataKey key = keyRing.dataKey(context.keyId(), version);
    byte[] plaintext = new byte[ciphertext.length - header - Gcm.TAG_BYTES];
    try {
      Gcm.decrypt(
          key.key(),
          ciphertext,
          header - Gcm.NONCE_BYTES,
          ciphertext,
          0,
          header,
          context.encodeLocation(),
          ciphertext,
          header,
          ciphertext.length - header,
          plaintext,
          0);
    } catch (AEADBadTagException e) {
      Arrays.fill(plaintext, (byte) 0);
      throw new DecryptionException(
          "decryption failed: authentication failed (tampered "
              + "ciphertext, moved to another resource or element, or wrong key)");
    }
    return plaintext;
  }

  private static void putInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  @Override
  public String toString() {
    return "AesGcmFieldCipher[AES-256-GCM, format v1]";
  }
}
