package org.consentry.crypto.internal;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The normal form under which two values count as equal for a blind index: Unicode NFKC
 * (compatibility forms such as full-width letters and ligatures become their plain form), a case
 * fold, NFKC again (folding can denormalize), whitespace trimmed and runs of whitespace collapsed
 * to one space.
 *
 * <p>The case fold is {@code toUpperCase(ROOT).toLowerCase(ROOT)}, Java having no full case
 * folding: it maps "Straße" and "STRASSE" alike, and a word-final sigma written either way alike,
 * and it does not depend on the default locale (no Turkish dotless i surprises).
 *
 * <p>Internal: not part of the API.
 */
public final class TextNormalizer {

  private static final Pattern WHITESPACE =
      Pattern.compile("[\\s\\p{Z}]+", Pattern.UNICODE_CHARACTER_CLASS);

  private TextNormalizer() {}

  public static String normalize(String value) {
    String compatible = Normalizer.normalize(value, Normalizer.Form.NFKC);
    String folded = compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    String renormalized = Normalizer.normalize(folded, Normalizer.Form.NFKC);
    return WHITESPACE.matcher(renormalized).replaceAll(" ").strip();
  }
}
