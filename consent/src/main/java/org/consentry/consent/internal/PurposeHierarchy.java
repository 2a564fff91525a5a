package org.consentry.consent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.CodeSystem;

/**
 * The is-a hierarchy of v3-ActReason purposes of use, read from the terminology module's bundled
 * code system (ETREAT is-a TREAT, BTG is-a ETREAT, CLINTRCH is-a HRESCH, ...).
 */
final class PurposeHierarchy {

  static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String EMERGENCY = "ETREAT";
  static final String RESEARCH = "HRESCH";

  private final Map<String, String> parents;

  PurposeHierarchy(Map<String, String> parents) {
    this.parents = Map.copyOf(parents);
  }

  static PurposeHierarchy bundled() {
    return Bundled.INSTANCE;
  }

  /** Whether {@code code} is {@code ancestor} or one of its specializations. */
  boolean isA(String code, String ancestor) {
    for (String current = code; current != null; current = parents.get(current)) {
      if (current.equals(ancestor)) {
        return true;
      }
    }
    return false;
  }

  /** The code, then its parent, up to the root. */
  List<String> selfAndAncestors(String code) {
    List<String> path = new ArrayList<>();
    for (String current = code; current != null; current = parents.get(current)) {
      path.add(current);
    }
    return path;
  }

  /** The code and all its specializations. */
  Set<String> selfAndDescendants(String code) {
    Set<String> result = new HashSet<>();
    result.add(code);
    for (String candidate : parents.keySet()) {
      if (isA(candidate, code)) {
        result.add(candidate);
      }
    }
    return result;
  }

  private static final class Bundled {
    static final PurposeHierarchy INSTANCE = load();

    private static PurposeHierarchy load() {
      Map<String, String> parents = new HashMap<>();
      for (CodeSystem system : Terminology.bundled().codeSystems()) {
        if (SYSTEM.equals(system.getUrl())) {
          collect(system.getConcept(), null, parents);
        }
      }
      if (!parents.containsKey(EMERGENCY)) {
        throw new IllegalStateException("the bundled v3-ActReason code system lacks " + EMERGENCY);
      }
      return new PurposeHierarchy(parents);
    }

    private static void collect(
        List<CodeSystem.ConceptDefinitionComponent> concepts,
        String parent,
        Map<String, String> parents) {
      for (CodeSystem.ConceptDefinitionComponent concept : concepts) {
        if (parent != null) {
          parents.put(concept.getCode(), parent);
        }
        if (concept.hasConcept()) {
          collect(concept.getConcept(), concept.getCode(), parents);
        }
      }
    }
  }
}
