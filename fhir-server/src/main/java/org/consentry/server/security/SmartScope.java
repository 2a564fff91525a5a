package org.consentry.server.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, v1 ({@code patient/*.read}, {@code user/Observation.write},
 * {@code system/*.*}) or v2 ({@code patient/Observation.rs}, {@code user/*.cruds}).
 *
 * <p>v1 {@code read} is {@code rs}, {@code write} is {@code cud}, {@code *} is {@code cruds}. v2
 * scopes with search constraints ({@code patient/Observation.rs?category=...}) are not supported
 * and grant nothing: failing closed beats granting more than the token says.
 *
 * @param context whose data the scope covers
 * @param resourceType a resource type, or {@code *}
 * @param interactions what it permits
 */
public record SmartScope(Context context, String resourceType, Set<Interaction> interactions) {

  /**
   * {@code patient/}: the patient in context; {@code user/}: what the user may see; {@code
   * system/}: a backend.
   */
  public enum Context {
    PATIENT,
    USER,
    SYSTEM
  }

  private static final Pattern SCOPE =
      Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|[cruds]+)");

  /** The scope a string names, or empty if it is not a resource scope (openid, profile, ...). */
  public static Optional<SmartScope> parse(String scope) {
    Matcher m = SCOPE.matcher(scope);
    if (!m.matches()) {
      return Optional.empty();
    }
    Set<Interaction> interactions =
        switch (m.group(3)) {
          case "read" -> EnumSet.of(Interaction.READ, Interaction.SEARCH);
          case "write" -> EnumSet.of(Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE);
          case "*" -> EnumSet.allOf(Interaction.class);
          default -> v2(m.group(3));
        };
    if (interactions == null) {
      return Optional.empty();
    }
    Context context = Context.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
    return Optional.of(new SmartScope(context, m.group(2), interactions));
  }

  /** v2 letters must appear in the order c, r, u, d, s, each at most once. */
  private static Set<Interaction> v2(String letters) {
    Set<Interaction> result = EnumSet.noneOf(Interaction.class);
    int last = -1;
    for (char letter : letters.toCharArray()) {
      Interaction interaction = Interaction.ofLetter(letter);
      if (interaction == null || interaction.ordinal() <= last) {
        return null;
      }
      last = interaction.ordinal();
      result.add(interaction);
    }
    return result;
  }

  boolean covers(String type, Interaction interaction) {
    return interactions.contains(interaction)
        && ("*".equals(resourceType) || resourceType.equals(type));
  }
}
