package org.consentry.deid.internal;

import org.consentry.deid.DeidMethod;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * The outcome of one change as bits, and the security labels they become on the resource: one
 * v3-ObservationValue coding per kind of change (REDACTED, PSEUDED, MASKED, ABSTRED), appended to
 * {@code meta.security} unless the resource already carries it.
 */
final class Labels {

  /** Not a label: the element is to be removed from its parent. */
  static final int REMOVE = 1;

  static final int REDACTED = 2;
  static final int PSEUDED = 4;
  static final int MASKED = 8;
  static final int ABSTRED = 16;

  private static final String[] CODES = {"REDACTED", "PSEUDED", "MASKED", "ABSTRED"};
  private static final String[] DISPLAYS = {"redacted", "pseudonymized", "masked", "abstracted"};

  private Labels() {}

  static void apply(Resource resource, int bits) {
    if ((bits & ~REMOVE) == 0) {
      return;
    }
    Meta meta = resource.getMeta();
    for (int i = 0; i < CODES.length; i++) {
      if ((bits & (REDACTED << i)) != 0 && !has(meta, CODES[i])) {
        meta.addSecurity(new Coding(DeidMethod.LABEL_SYSTEM, CODES[i], DISPLAYS[i]));
      }
    }
  }

  private static boolean has(Meta meta, String code) {
    if (!meta.hasSecurity()) {
      return false;
    }
    for (Coding coding : meta.getSecurity()) {
      if (DeidMethod.LABEL_SYSTEM.equals(coding.getSystem()) && code.equals(coding.getCode())) {
        return true;
      }
    }
    return false;
  }
}
