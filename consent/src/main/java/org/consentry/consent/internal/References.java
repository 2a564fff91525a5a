package org.consentry.consent.internal;

import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/** Reference strings reduced to the relative, versionless form {@code Type/id}. */
final class References {

  private References() {}

  /**
   * {@code "Practitioner/7"} for {@code "Practitioner/7"}, {@code "https://x/fhir/Practitioner/7"}
   * or {@code "Practitioner/7/_history/2"}; {@code null} for a contained ({@code "#x"}), logical
   * (identifier only) or malformed reference. Returns its argument, unallocated, when it is already
   * relative.
   */
  static String normalize(String reference) {
    if (reference == null || reference.isEmpty() || reference.charAt(0) == '#') {
      return null;
    }
    int slash = reference.indexOf('/');
    if (slash > 0 && slash == reference.lastIndexOf('/') && reference.indexOf(':') < 0) {
      return slash < reference.length() - 1 ? reference : null;
    }
    IdType id = new IdType(reference);
    if (!id.hasResourceType() || !id.hasIdPart()) {
      return null;
    }
    return id.getResourceType() + "/" + id.getIdPart();
  }

  static String normalize(Reference reference) {
    return reference == null || !reference.hasReference()
        ? null
        : normalize(reference.getReference());
  }
}
