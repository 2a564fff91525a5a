package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Resource;

/**
 * Typed readers for medications and immunizations: the medicationCodeableConcept (a medication
 * given by reference is labeled through the Medication resource itself, or through a contained
 * one), the reason codes, and Medication.code.
 */
final class MedicationCodes {

  private MedicationCodes() {}

  static void collect(Resource resource, CodeCollector codes) {
    switch (resource.getResourceType()) {
      case MedicationRequest -> {
        MedicationRequest request = (MedicationRequest) resource;
        if (request.hasMedicationCodeableConcept()) {
          codes.concept(request.getMedicationCodeableConcept());
        }
        if (request.hasReasonCode()) {
          codes.concepts(request.getReasonCode());
        }
      }
      case MedicationStatement -> {
        MedicationStatement statement = (MedicationStatement) resource;
        if (statement.hasMedicationCodeableConcept()) {
          codes.concept(statement.getMedicationCodeableConcept());
        }
        if (statement.hasReasonCode()) {
          codes.concepts(statement.getReasonCode());
        }
      }
      case MedicationAdministration -> {
        MedicationAdministration administration = (MedicationAdministration) resource;
        if (administration.hasMedicationCodeableConcept()) {
          codes.concept(administration.getMedicationCodeableConcept());
        }
        if (administration.hasReasonCode()) {
          codes.concepts(administration.getReasonCode());
        }
      }
      case MedicationDispense -> {
        MedicationDispense dispense = (MedicationDispense) resource;
        if (dispense.hasMedicationCodeableConcept()) {
          codes.concept(dispense.getMedicationCodeableConcept());
        }
      }
      case Medication -> {
        Medication medication = (Medication) resource;
        if (medication.hasCode()) {
          codes.concept(medication.getCode());
        }
      }
      case Immunization -> {
        Immunization immunization = (Immunization) resource;
        if (immunization.hasVaccineCode()) {
          codes.concept(immunization.getVaccineCode());
        }
        if (immunization.hasReasonCode()) {
          codes.concepts(immunization.getReasonCode());
        }
      }
      default -> throw new IllegalStateException("no medication reader for " + resource.fhirType());
    }
  }
}
