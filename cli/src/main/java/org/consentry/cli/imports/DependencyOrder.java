package org.consentry.cli.imports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Orders resource types so that each comes after the types it references: the server checks that a
 * reference points to a stored resource, so {@code Patient} must be in before {@code Observation}.
 *
 * <p>A topological sort of the reference graph, ties broken by name so the order is repeatable. On
 * a cycle the type with the fewest unmet dependencies goes first; the importer then defers what the
 * server rejects and retries it later.
 */
final class DependencyOrder {

  private DependencyOrder() {}

  /**
   * @param references each type present, mapped to the types its resources reference; types
   *     referenced but not present, and references of a type to itself, are ignored
   * @return every key of {@code references}, each after the types it depends on where possible
   */
  static List<String> of(Map<String, Set<String>> references) {
    Map<String, Set<String>> unmet = new HashMap<>();
    for (var entry : references.entrySet()) {
      Set<String> deps = new HashSet<>(entry.getValue());
      deps.retainAll(references.keySet());
      deps.remove(entry.getKey());
      unmet.put(entry.getKey(), deps);
    }
    List<String> order = new ArrayList<>(unmet.size());
    TreeSet<String> remaining = new TreeSet<>(unmet.keySet());
    while (!remaining.isEmpty()) {
      String next =
          remaining.stream()
              .filter(type -> unmet.get(type).isEmpty())
              .findFirst()
              .orElseGet(() -> leastBlocked(remaining, unmet));
      remaining.remove(next);
      order.add(next);
      unmet.values().forEach(deps -> deps.remove(next));
    }
    return order;
  }

  /** A type on a cycle: the one waiting for the fewest others, then by name. */
  private static String leastBlocked(TreeSet<String> remaining, Map<String, Set<String>> unmet) {
    return remaining.stream()
        .min(
            Comparator.comparingInt((String type) -> unmet.get(type).size())
                .thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }
}
