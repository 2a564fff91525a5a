package org.consentry.deid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds many strings at once in a text, as whole tokens: a token is a run of letters, digits and
 * {@code - . _ @ +}, so an original "02139" is found in {@code "postalCode":"02139"} but not inside
 * a pseudonym's hexadecimal, and "Smith" not inside "Smithfield". A needle of several tokens (an
 * address line, a URL) is looked up by its first token, then compared in place.
 */
final class Needles {

  private final Map<String, List<String>> byFirstToken = new HashMap<>();

  Needles(Set<String> needles) {
    for (String needle : needles) {
      int end = 0;
      while (end < needle.length() && isTokenChar(needle.charAt(end))) {
        end++;
      }
      if (end > 0) {
        byFirstToken
            .computeIfAbsent(needle.substring(0, end), token -> new ArrayList<>())
            .add(needle);
      }
    }
  }

  /** The needles found in {@code text} as whole tokens. */
  Set<String> find(String text) {
    Set<String> found = new LinkedHashSet<>();
    int length = text.length();
    int i = 0;
    while (i < length) {
      if (!isTokenChar(text.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < length && isTokenChar(text.charAt(end))) {
        end++;
      }
      List<String> candidates = byFirstToken.get(text.substring(i, end));
      if (candidates != null) {
        for (String needle : candidates) {
          int after = i + needle.length();
          if (text.startsWith(needle, i) && (after == length || !isTokenChar(text.charAt(after)))) {
            found.add(needle);
          }
        }
      }
      i = end;
    }
    return found;
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '@' || c == '+';
  }
}
