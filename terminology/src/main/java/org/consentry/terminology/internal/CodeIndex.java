package org.consentry.terminology.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The prebuilt lookup: system, then code, to a bit mask of category ordinals (bit {@code 1 <<
 * category.ordinal()}). Two hash lookups per coding and no allocation.
 */
final class CodeIndex {

  private final Map<String, Map<String, Integer>> masksBySystem;
  private final int codeCount;

  private CodeIndex(Map<String, Map<String, Integer>> masksBySystem, int codeCount) {
    this.masksBySystem = masksBySystem;
    this.codeCount = codeCount;
  }

  static CodeIndex of(Collection<SensitivityValueSet> valueSets) {
    Map<String, Map<String, Integer>> index = new HashMap<>();
    for (SensitivityValueSet valueSet : valueSets) {
      int bit = 1 << valueSet.category().ordinal();
      valueSet
          .codesBySystem()
          .forEach(
              (system, codes) -> {
                Map<String, Integer> masks = index.computeIfAbsent(system, s -> new HashMap<>());
                for (String code : codes) {
                  masks.merge(code, bit, (a, b) -> a | b);
                }
              });
    }
    int count = index.values().stream().mapToInt(Map::size).sum();
    Map<String, Map<String, Integer>> frozen = new HashMap<>();
    index.forEach((system, masks) -> frozen.put(system, Map.copyOf(masks)));
    return new CodeIndex(Map.copyOf(frozen), count);
  }

  /** The categories of this code as a bit mask; 0 if unknown or if either part is null. */
  int lookup(String system, String code) {
    if (system == null || code == null) {
      return 0;
    }
    Map<String, Integer> masks = masksBySystem.get(system);
    if (masks == null) {
      return 0;
    }
    Integer mask = masks.get(code);
    return mask == null ? 0 : mask;
  }

  /** Distinct system|code pairs. */
  int codeCount() {
    return codeCount;
  }
}
