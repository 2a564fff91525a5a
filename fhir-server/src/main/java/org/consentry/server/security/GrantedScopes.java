package org.consentry.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a token's scopes permit, per resource type and interaction.
 *
 * <p>A {@code user/} or {@code system/} scope grants the interaction on any instance (consent still
 * decides per resource); a {@code patient/} scope only within the patient compartment of the
 * patient in context.
 */
public final class GrantedScopes {

  /** How far a grant reaches. */
  public enum Reach {
    NONE,
    PATIENT_COMPARTMENT,
    ANY
  }

  private final List<SmartScope> scopes;

  private GrantedScopes(List<SmartScope> scopes) {
    this.scopes = scopes;
  }

  /**
   * Parsed scopes, cached: a server sees few distinct scope sets, and parsing runs per resource.
   */
  private static final Map<Collection<String>, GrantedScopes> CACHE = new ConcurrentHashMap<>();

  public static GrantedScopes of(Collection<String> scopeStrings) {
    GrantedScopes cached = CACHE.get(scopeStrings);
    if (cached != null) {
      return cached;
    }
    if (CACHE.size() > 4096) {
      CACHE.clear();
    }
    GrantedScopes parsed = parse(scopeStrings);
    CACHE.put(Set.copyOf(scopeStrings), parsed);
    return parsed;
  }

  private static GrantedScopes parse(Collection<String> scopeStrings) {
    return new GrantedScopes(
        scopeStrings.stream().map(SmartScope::parse).flatMap(Optional::stream).toList());
  }

  public Reach reach(String resourceType, Interaction interaction) {
    Reach reach = Reach.NONE;
    for (SmartScope scope : scopes) {
      if (scope.covers(resourceType, interaction)) {
        if (scope.context() != SmartScope.Context.PATIENT) {
          return Reach.ANY;
        }
        reach = Reach.PATIENT_COMPARTMENT;
      }
    }
    return reach;
  }

  /** Whether any scope at all is a resource scope of the given context. */
  public boolean hasContext(SmartScope.Context context) {
    return scopes.stream().anyMatch(s -> s.context() == context);
  }
}
