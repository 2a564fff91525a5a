package org.consentry.terminology.internal;

import org.consentry.terminology.Confidentiality;
import org.consentry.terminology.SensitivityCategory;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * Writes sensitivity labels into {@code meta.security}. Storage format: one Coding per category
 * ({@value SensitivityCategory#SYSTEM}, code, display), in category order, then one {@value
 * Confidentiality#SYSTEM} level, appended after whatever the client sent. Existing codings are
 * never removed; the only change to an existing coding is raising a confidentiality level that is
 * below what the data requires (its system, code and display are rewritten, its version dropped).
 */
final class SecurityLabels {

  private static final SensitivityCategory[] CATEGORIES = SensitivityCategory.values();

  private SecurityLabels() {}

  /** Labels the resource with the categories in {@code mask}; true if anything changed. */
  static boolean apply(Resource resource, int mask) {
    int present = 0;
    Coding highestCoding = null;
    Confidentiality highest = null;
    if (resource.hasMeta() && resource.getMeta().hasSecurity()) {
      for (Coding label : resource.getMeta().getSecurity()) {
        present |= categoryBit(label);
        Confidentiality level = Confidentiality.fromCoding(label).orElse(null);
        if (level != null && (highest == null || level.compareTo(highest) > 0)) {
          highest = level;
          highestCoding = label;
        }
      }
    }
    Confidentiality required = (mask | present) != 0 ? Confidentiality.R : Confidentiality.N;
    int missing = mask & ~present;
    if (missing == 0 && highest != null && highest.compareTo(required) >= 0) {
      return false;
    }
    Meta meta = resource.getMeta();
    for (SensitivityCategory category : CATEGORIES) {
      if ((missing & (1 << category.ordinal())) != 0) {
        meta.addSecurity(category.toCoding());
      }
    }
    if (highest == null) {
      meta.addSecurity(required.toCoding());
    } else if (highest.compareTo(required) < 0) {
      highestCoding
          .setSystem(Confidentiality.SYSTEM)
          .setVersion(null)
          .setCode(required.code())
          .setDisplay(required.display());
    }
    return true;
  }

  private static int categoryBit(Coding label) {
    if (!SensitivityCategory.SYSTEM.equals(label.getSystem())) {
      return 0;
    }
    return SensitivityCategory.fromCode(label.getCode())
        .map(category -> 1 << category.ordinal())
        .orElse(0);
  }
}
