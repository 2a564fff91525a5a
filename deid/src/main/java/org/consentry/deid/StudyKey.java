package org.consentry.deid;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.consentry.crypto.BlindIndex;

/**
 * The secret of one study. Under the same study key the same patient id always gets the same
 * pseudonym and the same date shift, in every run of that study's export; under two different study
 * keys the pseudonyms and shifts are unrelated (HMAC-SHA256 outputs under independent keys), so two
 * studies' exports cannot be joined on them. Whoever holds the key can recompute the pseudonym of a
 * known id: keep it with the exporter, never give it to a recipient.
 *
 * <p>Never printed: {@link #toString()} shows no byte of it. Immutable and thread-safe.
 */
public final class StudyKey {

  /** The least secret accepted: 128 bits. 256 bits ({@link #random()}) are recommended. */
  public static final int MIN_BYTES = 16;

  private static final String DERIVATION_DOMAIN = "consentry/deid/study-key/v1";

  private final byte[] secret;

  private StudyKey(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a study key needs at least " + MIN_BYTES + " bytes");
    }
    this.secret = secret.clone();
  }

  /**
   * A study key from secret bytes (at least 16, copied), kept by the caller between runs.
   *
   * @throws IllegalArgumentException if shorter than 16 bytes
   */
  public static StudyKey fromSecret(byte[] secret) {
    return new StudyKey(Objects.requireNonNull(secret, "secret"));
  }

  /** A fresh random 256-bit key: for a one-off export that never needs to be repeated or joined. */
  public static StudyKey random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    StudyKey key = new StudyKey(bytes);
    Arrays.fill(bytes, (byte) 0);
    return key;
  }

  /**
   * The key of a study derived from the server's blind index (crypto's {@link
   * org.consentry.crypto.HmacSha256BlindIndex}, under the keystore's index secret): the 128-bit
   * token of the study id in the domain {@value #DERIVATION_DOMAIN}. Nothing to store: the same
   * keystore and study id give the same key in every run; different study ids give independent
   * keys. The index normalizes its input, so study ids that differ only in case or spacing name the
   * same study.
   */
  public static StudyKey derive(BlindIndex index, String studyId) {
    Objects.requireNonNull(studyId, "studyId");
    if (studyId.isBlank()) {
      throw new IllegalArgumentException("a study id must not be blank");
    }
    String token = index.token(DERIVATION_DOMAIN, studyId);
    byte[] bytes = Base64.getUrlDecoder().decode(token);
    StudyKey key = new StudyKey(bytes);
    Arrays.fill(bytes, (byte) 0);
    return key;
  }

  /** A copy of the secret, for the keyed functions; erase it after use. */
  byte[] secret() {
    return secret.clone();
  }

  @Override
  public String toString() {
    return "StudyKey[<redacted>]";
  }
}
