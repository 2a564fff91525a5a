package org.consentry.consent.internal;

import java.util.Set;

/**
 * {@code provision.data}, compiled. Any entry may match:
 *
 * <ul>
 *   <li>{@code instances}: the resource itself is one of these (meaning instance; related, with
 *       what the referenced resource refers to; dependents, the referenced resource itself);
 *   <li>{@code dependentsOf}: the resource refers to one of these (meaning dependents);
 *   <li>{@code authors}: the resource was authored by one of these (meaning authoredby).
 * </ul>
 */
final class DataCriteria {

  private final Set<String> instances;
  private final Set<String> dependentsOf;
  private final Set<String> authors;

  DataCriteria(Set<String> instances, Set<String> dependentsOf, Set<String> authors) {
    this.instances = Set.copyOf(instances);
    this.dependentsOf = Set.copyOf(dependentsOf);
    this.authors = Set.copyOf(authors);
  }

  boolean matches(DecisionContext context) {
    String key = context.resourceKey();
    if (key != null && instances.contains(key)) {
      return true;
    }
    if (!authors.isEmpty() && ResourceLinks.authoredByAny(context.resource, authors)) {
      return true;
    }
    if (!dependentsOf.isEmpty()) {
      for (String reference : context.references()) {
        if (dependentsOf.contains(reference)) {
          return true;
        }
      }
    }
    return false;
  }
}
