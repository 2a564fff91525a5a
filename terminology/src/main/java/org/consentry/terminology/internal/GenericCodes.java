package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * The fallback for types without a typed reader: walks the whole element tree through HAPI's
 * reflective {@link Base#children()} and collects every {@link Coding}, including those in
 * extensions, contained resources and Bundle entries, but not {@code meta} (security labels and
 * tags are what the labeler writes, not what it reads) nor the narrative.
 *
 * <p>Cost: {@code children()} allocates a Property per declared child of every element, so this
 * path is several times slower than a typed reader (see LabelerThroughput); it serves the rarely
 * written types (Patient, Organization, Location, Device and so on).
 */
final class GenericCodes {

  private GenericCodes() {}

  static void collect(Base element, CodeCollector codes) {
    if (element instanceof Coding coding) {
      codes.coding(coding);
      return;
    }
    if (element.isPrimitive()
        && !(element instanceof Element withExtensions && withExtensions.hasExtension())) {
      return;
    }
    boolean resource = element instanceof Resource;
    for (Property property : element.children()) {
      if (!property.hasValues() || resource && skipped(property.getName())) {
        continue;
      }
      for (Base value : property.getValues()) {
        collect(value, codes);
      }
    }
  }

  private static boolean skipped(String name) {
    return "meta".equals(name) || "text".equals(name);
  }
}
