package org.consentry.terminology;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.consentry.terminology.internal.BundledResources;
import org.consentry.terminology.internal.IndexedSensitivityLabeler;
import org.consentry.terminology.internal.SensitivityValueSets;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Entry point: the bundled terminology resources and the sensitivity labelers built from them.
 *
 * <p>Bundled, as HAPI R4 resources (sources and purpose in each description, and in {@code
 * terminology/SOURCES.md}): the HL7 code systems v3-Confidentiality, v3-ActCode (information
 * sensitivity subset), v3-ActReason (purpose of use subset), consentscope and consentcategorycodes;
 * one value set per bundled sensitivity category ({@code
 * http://consentry.org/fhir/ValueSet/sensitivity-<category>}); and the ConceptMap {@code
 * http://consentry.org/fhir/ConceptMap/sensitivity-to-confidentiality}.
 *
 * <p>A sensitivity value set declares its category with one extension at the root:
 *
 * <pre>{@code
 * "extension": [{
 *   "url": "http://consentry.org/fhir/StructureDefinition/sensitivity-category",
 *   "valueCoding": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "ETH"}
 * }]
 * }</pre>
 *
 * and lists its codes in {@code compose.include.concept} (no filters, no imported value sets: the
 * labeler looks codes up, it does not search). It must have a {@code url}.
 */
public final class Terminology {

  /** The extension by which a value set declares the sensitivity category its codes map to. */
  public static final String SENSITIVITY_CATEGORY_EXTENSION =
      "http://consentry.org/fhir/StructureDefinition/sensitivity-category";

  private static volatile Terminology bundled;

  private final BundledResources resources;
  private final SensitivityLabeler labeler;

  private Terminology(BundledResources resources) {
    this.resources = resources;
    this.labeler = IndexedSensitivityLabeler.of(resources.valueSets());
  }

  /**
   * The bundled terminology, parsed from the module's resources on first use and then shared.
   *
   * @throws IllegalStateException if the bundled resources cannot be read (a packaging defect)
   */
  public static Terminology bundled() {
    Terminology result = bundled;
    if (result == null) {
      synchronized (Terminology.class) {
        result = bundled;
        if (result == null) {
          result = new Terminology(BundledResources.load());
          bundled = result;
        }
      }
    }
    return result;
  }

  /** Copies of the bundled code systems: callers may change them freely. */
  public List<CodeSystem> codeSystems() {
    return resources.codeSystems().stream().map(CodeSystem::copy).toList();
  }

  /** Copies of the bundled sensitivity value sets, one per bundled category. */
  public List<ValueSet> valueSets() {
    return resources.valueSets().stream().map(ValueSet::copy).toList();
  }

  /** Copies of the bundled concept maps (sensitivity category to confidentiality level). */
  public List<ConceptMap> conceptMaps() {
    return resources.conceptMaps().stream().map(ConceptMap::copy).toList();
  }

  /** The labeler built from the bundled value sets. */
  public SensitivityLabeler labeler() {
    return labeler;
  }

  /**
   * A labeler built from exactly these value sets (for example the bundled ones plus those an
   * operator uploaded). A later value set replaces an earlier one with the same URL.
   *
   * @throws IllegalArgumentException if a value set is not a valid sensitivity value set
   */
  public static SensitivityLabeler labeler(Collection<ValueSet> valueSets) {
    return IndexedSensitivityLabeler.of(valueSets);
  }

  /**
   * The category a value set declares, or empty if it declares none (an ordinary value set).
   *
   * @throws IllegalArgumentException if the declaration is malformed or names a category that is
   *     not a {@link SensitivityCategory}
   */
  public static Optional<SensitivityCategory> declaredCategory(ValueSet valueSet) {
    return SensitivityValueSets.declaredCategory(valueSet);
  }
}
