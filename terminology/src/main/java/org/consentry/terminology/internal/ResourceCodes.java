package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * Collects the codings of a resource: typed getters for the common types (see {@link
 * ClinicalCodes}, {@link MedicationCodes}, {@link ClaimCodes}), the generic walk ({@link
 * GenericCodes}) for every other type. For the typed types, contained resources and resource-level
 * extensions are read too; the generic walk reads everything but {@code meta}.
 */
final class ResourceCodes {

  private ResourceCodes() {}

  static void collect(Resource resource, CodeCollector codes) {
    if (!typed(resource, codes)) {
      GenericCodes.collect(resource, codes);
      return;
    }
    if (resource instanceof DomainResource domain) {
      extensions(domain, codes);
      if (domain.hasContained()) {
        for (Resource contained : domain.getContained()) {
          collect(contained, codes);
        }
      }
    }
  }

  /** Reads a resource through its getters; false if its type has no typed reader. */
  private static boolean typed(Resource resource, CodeCollector codes) {
    switch (resource.getResourceType()) {
      case Observation,
          Condition,
          Procedure,
          DiagnosticReport,
          Encounter,
          CarePlan,
          DocumentReference,
          ServiceRequest,
          AllergyIntolerance ->
          ClinicalCodes.collect(resource, codes);
      case MedicationRequest,
          MedicationStatement,
          MedicationAdministration,
          MedicationDispense,
          Medication,
          Immunization ->
          MedicationCodes.collect(resource, codes);
      case Claim, ExplanationOfBenefit -> ClaimCodes.collect(resource, codes);
      case Bundle -> bundle((Bundle) resource, codes);
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void bundle(Bundle bundle, CodeCollector codes) {
    if (bundle.hasEntry()) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.hasResource()) {
          collect(entry.getResource(), codes);
        }
      }
    }
  }

  private static void extensions(DomainResource resource, CodeCollector codes) {
    if (resource.hasExtension()) {
      resource.getExtension().forEach(extension -> extension(extension, codes));
    }
    if (resource.hasModifierExtension()) {
      resource.getModifierExtension().forEach(extension -> extension(extension, codes));
    }
  }

  private static void extension(Extension extension, CodeCollector codes) {
    if (extension.hasValue()) {
      Type value = extension.getValue();
      if (value instanceof org.hl7.fhir.r4.model.Coding coding) {
        codes.coding(coding);
      } else if (value instanceof org.hl7.fhir.r4.model.CodeableConcept concept) {
        codes.concept(concept);
      }
    }
    if (extension.hasExtension()) {
      extension.getExtension().forEach(nested -> extension(nested, codes));
    }
  }
}
