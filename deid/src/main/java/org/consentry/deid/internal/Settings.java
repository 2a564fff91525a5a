package org.consentry.deid.internal;

import java.util.Set;

/**
 * The parameters of a profile: partial redaction (the FHIR-Tools-for-Anonymization switches), the
 * restricted ZIP3 areas, the date-shift range in days, and the extension URLs kept.
 */
public record Settings(
    boolean partialDates,
    boolean partialAges,
    boolean partialZips,
    Set<String> restrictedZip3,
    int shiftRange,
    Set<String> allowedExtensions) {

  public Settings {
    restrictedZip3 = Set.copyOf(restrictedZip3);
    allowedExtensions = Set.copyOf(allowedExtensions);
  }

  boolean anyPartial() {
    return partialDates || partialAges || partialZips;
  }
}
