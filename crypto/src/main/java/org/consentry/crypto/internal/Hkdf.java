package org.consentry.crypto.internal;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF with HMAC-SHA256 (RFC 5869) through BouncyCastle's lightweight API; the JDK 17 has none.
 *
 * <p>Internal: not part of the API.
 */
public final class Hkdf {

  private Hkdf() {}

  /** Extract-then-expand: {@code length} bytes of output keying material. */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] okm = new byte[length];
    generator.generateBytes(okm, 0, length);
    return okm;
  }
}
