package org.consentry.terminology.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.consentry.terminology.SensitivityCategory;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;

/**
 * Reads and validates sensitivity value sets. Every rejection is an {@link
 * IllegalArgumentException} whose message names the value set and says what to change, because it
 * is shown to the operator who uploaded it (the server answers 400 with it).
 */
public final class SensitivityValueSets {

  private SensitivityValueSets() {}

  /** See {@link Terminology#declaredCategory}. */
  public static Optional<SensitivityCategory> declaredCategory(ValueSet valueSet) {
    Objects.requireNonNull(valueSet, "valueSet");
    List<Extension> declarations =
        valueSet.getExtensionsByUrl(Terminology.SENSITIVITY_CATEGORY_EXTENSION);
    if (declarations.isEmpty()) {
      return Optional.empty();
    }
    String name = describe(valueSet);
    if (declarations.size() > 1) {
      throw invalid(
          name
              + " declares "
              + declarations.size()
              + " sensitivity categories; declare exactly one");
    }
    if (!(declarations.get(0).getValue() instanceof Coding coding)) {
      throw invalid(
          name
              + " declares its sensitivity category without a valueCoding; use a"
              + " valueCoding with system "
              + SensitivityCategory.SYSTEM);
    }
    if (!SensitivityCategory.SYSTEM.equals(coding.getSystem())) {
      throw invalid(
          name
              + " declares its sensitivity category in system '"
              + coding.getSystem()
              + "'; use system "
              + SensitivityCategory.SYSTEM);
    }
    return Optional.of(
        SensitivityCategory.fromCode(coding.getCode())
            .orElseThrow(
                () ->
                    invalid(
                        name
                            + " declares sensitivity category '"
                            + coding.getCode()
                            + "', which is not a category this module knows; known categories: "
                            + Arrays.toString(SensitivityCategory.values()))));
  }

  /** Validates a sensitivity value set and reads its codes. */
  static SensitivityValueSet parse(ValueSet valueSet) {
    String name = describe(valueSet);
    SensitivityCategory category =
        declaredCategory(valueSet)
            .orElseThrow(
                () ->
                    invalid(
                        name
                            + " does not declare a sensitivity category; add the"
                            + " extension "
                            + Terminology.SENSITIVITY_CATEGORY_EXTENSION
                            + " with a valueCoding from "
                            + SensitivityCategory.SYSTEM));
    if (!valueSet.hasUrl()) {
      throw invalid(name + " has no url; a sensitivity value set is identified by its url");
    }
    if (!valueSet.hasCompose() || !valueSet.getCompose().hasInclude()) {
      throw invalid(name + " has no compose.include; list its codes in compose.include.concept");
    }
    Map<String, Set<String>> codes = new LinkedHashMap<>();
    List<ConceptSetComponent> includes = valueSet.getCompose().getInclude();
    for (int i = 0; i < includes.size(); i++) {
      String where = name + " compose.include[" + i + "]";
      for (String code : explicitCodes(includes.get(i), where)) {
        codes.computeIfAbsent(includes.get(i).getSystem(), s -> new LinkedHashSet<>()).add(code);
      }
    }
    List<ConceptSetComponent> excludes =
        valueSet.getCompose().hasExclude() ? valueSet.getCompose().getExclude() : List.of();
    for (int i = 0; i < excludes.size(); i++) {
      String where = name + " compose.exclude[" + i + "]";
      Set<String> listed = codes.get(excludes.get(i).getSystem());
      List<String> excluded = explicitCodes(excludes.get(i), where);
      if (listed != null) {
        excluded.forEach(listed::remove);
      }
    }
    codes.values().removeIf(Set::isEmpty);
    if (codes.isEmpty()) {
      throw invalid(name + " lists no codes");
    }
    Map<String, Set<String>> frozen = new LinkedHashMap<>();
    codes.forEach((system, set) -> frozen.put(system, Set.copyOf(set)));
    return new SensitivityValueSet(valueSet.getUrl(), category, Map.copyOf(frozen));
  }

  private static List<String> explicitCodes(ConceptSetComponent set, String where) {
    if (!set.hasSystem()) {
      throw invalid(where + " has no system");
    }
    if (set.hasValueSet()) {
      throw invalid(where + " imports other value sets; list the codes explicitly");
    }
    if (set.hasFilter()) {
      throw invalid(
          where
              + " uses a filter; the labeler looks codes up and does not search,"
              + " so list the codes explicitly in concept");
    }
    if (!set.hasConcept()) {
      throw invalid(
          where
              + " takes all of "
              + set.getSystem()
              + "; list the codes explicitly"
              + " in concept");
    }
    List<ConceptReferenceComponent> concepts = set.getConcept();
    for (int j = 0; j < concepts.size(); j++) {
      if (!concepts.get(j).hasCode() || concepts.get(j).getCode().isBlank()) {
        throw invalid(where + ".concept[" + j + "] has no code");
      }
    }
    return concepts.stream().map(ConceptReferenceComponent::getCode).toList();
  }

  private static String describe(ValueSet valueSet) {
    if (valueSet.hasUrl()) {
      return "ValueSet " + valueSet.getUrl();
    }
    return valueSet.hasIdElement() && valueSet.getIdElement().hasIdPart()
        ? "ValueSet/" + valueSet.getIdElement().getIdPart()
        : "ValueSet (no url, no id)";
  }

  private static IllegalArgumentException invalid(String message) {
    return new IllegalArgumentException(message);
  }
}
