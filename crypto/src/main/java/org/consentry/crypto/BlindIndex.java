package org.consentry.crypto;

/**
 * A keyed, deterministic token of a value, so that an encrypted field can still be searched for
 * equality: store the token beside the ciphertext, and search for the token of the query value.
 *
 * <p>Guarantee: without the index key, a token reveals nothing of the value, and tokens of two
 * different domains cannot be compared. Values equal after normalization (see the implementation)
 * give equal tokens within a domain; different values give different tokens except with negligible
 * probability. Implementations are thread-safe.
 *
 * <p>What it leaks, by design: equality. Whoever reads the stored tokens learns which records share
 * a value in the same field, and so how often each value occurs; with outside knowledge of the
 * distribution (common surnames, birth years) frequent values may be guessed. Index only fields
 * where equality search is needed, and prefer values with many possibilities.
 *
 * <p>Failure: none for any string; {@code null} arguments throw {@link NullPointerException}.
 */
public interface BlindIndex {

  /**
   * The token of {@code value} in {@code domain} (for example {@code "Patient.name.family"}): the
   * same value in two domains gives unrelated tokens.
   */
  String token(String domain, String value);
}
