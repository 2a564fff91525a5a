package org.consentry.terminology.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.consentry.terminology.SensitivityCategory;
import org.consentry.terminology.SensitivityLabeler;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The {@link SensitivityLabeler}: value sets validated and indexed once into a {@link CodeIndex};
 * each resource costs one lookup per coding. Immutable; {@link #withValueSet} builds a new one.
 */
public final class IndexedSensitivityLabeler implements SensitivityLabeler {

  private static final SensitivityCategory[] CATEGORIES = SensitivityCategory.values();

  private final Map<String, SensitivityValueSet> valueSetsByUrl;
  private final CodeIndex index;

  private IndexedSensitivityLabeler(Map<String, SensitivityValueSet> valueSetsByUrl) {
    this.valueSetsByUrl = Collections.unmodifiableMap(valueSetsByUrl);
    this.index = CodeIndex.of(valueSetsByUrl.values());
  }

  /** See {@link org.consentry.terminology.Terminology#labeler(Collection)}. */
  public static IndexedSensitivityLabeler of(Collection<ValueSet> valueSets) {
    Objects.requireNonNull(valueSets, "valueSets");
    Map<String, SensitivityValueSet> byUrl = new LinkedHashMap<>();
    for (ValueSet valueSet : valueSets) {
      SensitivityValueSet parsed = SensitivityValueSets.parse(Objects.requireNonNull(valueSet));
      byUrl.remove(parsed.url());
      byUrl.put(parsed.url(), parsed);
    }
    return new IndexedSensitivityLabeler(byUrl);
  }

  @Override
  public Set<SensitivityCategory> categories(IBaseResource resource) {
    return Collections.unmodifiableSet(toSet(mask(r4(resource))));
  }

  @Override
  public boolean apply(IBaseResource resource) {
    Resource r4 = r4(resource);
    return SecurityLabels.apply(r4, mask(r4));
  }

  @Override
  public IndexedSensitivityLabeler withValueSet(ValueSet valueSet) {
    SensitivityValueSet parsed = SensitivityValueSets.parse(Objects.requireNonNull(valueSet));
    Map<String, SensitivityValueSet> byUrl = new LinkedHashMap<>(valueSetsByUrl);
    byUrl.remove(parsed.url());
    byUrl.put(parsed.url(), parsed);
    return new IndexedSensitivityLabeler(byUrl);
  }

  /** The value set URLs in use, in the order they were given. */
  public List<String> valueSetUrls() {
    return List.copyOf(valueSetsByUrl.keySet());
  }

  /** The category mask through the typed readers where there is one (the production path). */
  int mask(Resource resource) {
    CodeCollector codes = new CodeCollector(index);
    ResourceCodes.collect(resource, codes);
    return codes.mask();
  }

  /**
   * The category mask through the generic walk only: the reference the typed readers must match.
   */
  int genericMask(Resource resource) {
    CodeCollector codes = new CodeCollector(index);
    GenericCodes.collect(resource, codes);
    return codes.mask();
  }

  static EnumSet<SensitivityCategory> toSet(int mask) {
    EnumSet<SensitivityCategory> set = EnumSet.noneOf(SensitivityCategory.class);
    for (SensitivityCategory category : CATEGORIES) {
      if ((mask & (1 << category.ordinal())) != 0) {
        set.add(category);
      }
    }
    return set;
  }

  private static Resource r4(IBaseResource resource) {
    Objects.requireNonNull(resource, "resource");
    if (resource instanceof Resource r4) {
      return r4;
    }
    throw new IllegalArgumentException(
        "not a FHIR R4 resource: "
            + resource.getClass().getName()
            + "; this labeler reads the org.hl7.fhir.r4.model classes");
  }

  @Override
  public String toString() {
    return "IndexedSensitivityLabeler["
        + valueSetsByUrl.size()
        + " value sets, "
        + index.codeCount()
        + " codes]";
  }
}
