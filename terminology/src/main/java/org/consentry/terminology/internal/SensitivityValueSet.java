package org.consentry.terminology.internal;

import java.util.Map;
import java.util.Set;
import org.consentry.terminology.SensitivityCategory;

/** A validated sensitivity value set: its URL, its category and its codes by system (immutable). */
record SensitivityValueSet(
    String url, SensitivityCategory category, Map<String, Set<String>> codesBySystem) {

  int codeCount() {
    return codesBySystem.values().stream().mapToInt(Set::size).sum();
  }
}
