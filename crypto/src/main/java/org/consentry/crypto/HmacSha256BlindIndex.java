package org.consentry.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.consentry.crypto.internal.Hkdf;
import org.consentry.crypto.internal.TextNormalizer;

/**
 * {@link BlindIndex} as truncated HMAC-SHA256.
 *
 * <p>Token: the first 16 bytes of HMAC-SHA256(K, len(domain) || domain || value), len being the
 * 4-byte big-endian length of the UTF-8 domain and value the UTF-8 of the normalized value, in
 * unpadded base64url: 22 ASCII characters. 128 bits keep accidental collisions negligible.
 *
 * <p>Normalization, so that the same value typed differently matches: Unicode NFKC, case fold,
 * whitespace trimmed and runs collapsed to one space ({@code " Smith "} matches {@code "smith"},
 * full-width {@code "ＳＭＩＴＨ"} too).
 *
 * <p>Key: K = HKDF-SHA256(ikm = index secret, salt = none, info = {@code
 * "consentry/blind-index/hmac-sha256/v1"}, 32 bytes). The index secret is a dedicated 256-bit
 * secret in the master keystore, not the KEK: the KEK rotates, and a token key derived from it
 * would invalidate every stored token at each rotation; a separate secret also keeps the index key
 * useless for unwrapping data keys. Rotating the index secret means recomputing every token from
 * the decrypted values.
 */
public final class HmacSha256BlindIndex implements BlindIndex {

  static final int TOKEN_BYTES = 16;
  private static final byte[] INFO =
      "consentry/blind-index/hmac-sha256/v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

  private HmacSha256BlindIndex(byte[] indexSecret) {
    if (indexSecret.length < 32) {
      throw new IllegalArgumentException("index secret must be at least 32 bytes");
    }
    byte[] derived = Hkdf.sha256(indexSecret, null, INFO, 32);
    this.key = new SecretKeySpec(derived, "HmacSHA256");
    Arrays.fill(derived, (byte) 0);
  }

  /** A blind index under the keystore's dedicated index secret. */
  public static HmacSha256BlindIndex from(MasterKeystore masterKeys) {
    return new HmacSha256BlindIndex(masterKeys.indexSecret().getEncoded());
  }

  /**
   * A blind index under an index secret held elsewhere (at least 32 random bytes, copied).
   *
   * @throws IllegalArgumentException if the secret is shorter than 32 bytes
   */
  public static HmacSha256BlindIndex fromSecret(byte[] indexSecret) {
    return new HmacSha256BlindIndex(indexSecret);
  }

  @Override
  public String token(String domain, String value) {
    byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
    byte[] valueBytes = TextNormalizer.normalize(value).getBytes(StandardCharsets.UTF_8);
    Mac hmac = mac.get();
    hmac.update(ByteBuffer.allocate(4).putInt(domainBytes.length).array());
    hmac.update(domainBytes);
    byte[] digest = hmac.doFinal(valueBytes);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Arrays.copyOf(digest, TOKEN_BYTES));
  }

  private Mac newMac() {
    try {
      Mac created = Mac.getInstance("HmacSHA256");
      created.init(key);
      return created;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "HmacSha256BlindIndex[key=<redacted>]";
  }
}
