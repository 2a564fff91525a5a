package org.consentry.consent.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Codings indexed by system then code, so a lookup allocates nothing. A coding without system (key
 * {@code ""}) matches that code in any system.
 */
final class CodingSet {

  private static final String ANY_SYSTEM = "";

  private final Map<String, Set<String>> codesBySystem;

  private CodingSet(Map<String, Set<String>> codesBySystem) {
    this.codesBySystem = codesBySystem;
  }

  /** The set of these codings; empty (matching nothing) when none has a code. */
  static CodingSet of(List<Coding> codings) {
    Map<String, Set<String>> bySystem = new HashMap<>();
    for (Coding coding : codings) {
      if (coding.hasCode()) {
        String system = coding.hasSystem() ? coding.getSystem() : ANY_SYSTEM;
        bySystem.computeIfAbsent(system, key -> new HashSet<>()).add(coding.getCode());
      }
    }
    return new CodingSet(bySystem);
  }

  /** The codings of this set; a coding without system stands for that code in any system. */
  List<Coding> codings() {
    List<Coding> all = new java.util.ArrayList<>();
    codesBySystem.forEach(
        (system, codes) ->
            codes.forEach(
                code ->
                    all.add(
                        new Coding()
                            .setSystem(ANY_SYSTEM.equals(system) ? null : system)
                            .setCode(code))));
    return all;
  }

  boolean contains(Coding coding) {
    String code = coding.getCode();
    if (code == null) {
      return false;
    }
    String system = coding.getSystem();
    if (system != null) {
      Set<String> codes = codesBySystem.get(system);
      if (codes != null && codes.contains(code)) {
        return true;
      }
    }
    Set<String> anySystem = codesBySystem.get(ANY_SYSTEM);
    return anySystem != null && anySystem.contains(code);
  }

  boolean containsAny(List<Coding> codings) {
    for (int i = 0, n = codings.size(); i < n; i++) {
      if (contains(codings.get(i))) {
        return true;
      }
    }
    return false;
  }

  boolean containsAny(CodeableConcept concept) {
    return concept != null && concept.hasCoding() && containsAny(concept.getCoding());
  }
}
