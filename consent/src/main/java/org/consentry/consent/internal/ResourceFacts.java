package org.consentry.consent.internal;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Type;

/**
 * What a provision's {@code code} and {@code dataPeriod} are compared with: the codes that say what
 * a resource is, and its clinical date. Read through typed getters, each guarded by its {@code
 * hasX()} so that reading never adds empty elements to a shared resource.
 */
final class ResourceFacts {

  private ResourceFacts() {}

  /**
   * Whether one of the resource's own codes is in the set: Observation, Condition, Procedure,
   * DiagnosticReport, AllergyIntolerance, ServiceRequest and Medication code; medication[x] of the
   * medication resources (the CodeableConcept choice only); Immunization.vaccineCode;
   * Encounter.type; DocumentReference and Composition type; CarePlan.category. Other types have no
   * code for this purpose and never match.
   */
  static boolean hasCode(Resource resource, CodingSet codes) {
    return switch (resource.getResourceType()) {
      case Observation ->
          ((Observation) resource).hasCode()
              && codes.containsAny(((Observation) resource).getCode());
      case Condition ->
          ((Condition) resource).hasCode() && codes.containsAny(((Condition) resource).getCode());
      case Procedure ->
          ((Procedure) resource).hasCode() && codes.containsAny(((Procedure) resource).getCode());
      case DiagnosticReport ->
          ((DiagnosticReport) resource).hasCode()
              && codes.containsAny(((DiagnosticReport) resource).getCode());
      case AllergyIntolerance ->
          ((AllergyIntolerance) resource).hasCode()
              && codes.containsAny(((AllergyIntolerance) resource).getCode());
      case ServiceRequest ->
          ((ServiceRequest) resource).hasCode()
              && codes.containsAny(((ServiceRequest) resource).getCode());
      case Medication ->
          ((Medication) resource).hasCode() && codes.containsAny(((Medication) resource).getCode());
      case MedicationRequest -> medication(((MedicationRequest) resource).getMedication(), codes);
      case MedicationStatement ->
          medication(((MedicationStatement) resource).getMedication(), codes);
      case MedicationAdministration ->
          medication(((MedicationAdministration) resource).getMedication(), codes);
      case MedicationDispense -> medication(((MedicationDispense) resource).getMedication(), codes);
      case Immunization ->
          ((Immunization) resource).hasVaccineCode()
              && codes.containsAny(((Immunization) resource).getVaccineCode());
      case Encounter ->
          ((Encounter) resource).hasType() && anyConcept(((Encounter) resource).getType(), codes);
      case DocumentReference ->
          ((DocumentReference) resource).hasType()
              && codes.containsAny(((DocumentReference) resource).getType());
      case Composition ->
          ((Composition) resource).hasType()
              && codes.containsAny(((Composition) resource).getType());
      case CarePlan ->
          ((CarePlan) resource).hasCategory()
              && anyConcept(((CarePlan) resource).getCategory(), codes);
      default -> false;
    };
  }

  private static boolean medication(Type medication, CodingSet codes) {
    return medication instanceof CodeableConcept concept && codes.containsAny(concept);
  }

  private static boolean anyConcept(java.util.List<CodeableConcept> concepts, CodingSet codes) {
    for (int i = 0, n = concepts.size(); i < n; i++) {
      if (codes.containsAny(concepts.get(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the resource's clinical span (start, end in epoch millis) into {@code into}; false when
   * it has none. The first present of: Observation effective[x], issued; Condition and
   * AllergyIntolerance onset[x] (dateTime or Period), recordedDate; Procedure performed[x];
   * MedicationRequest authoredOn; MedicationStatement effective[x], dateAsserted;
   * MedicationAdministration effective[x]; MedicationDispense whenHandedOver, whenPrepared;
   * DiagnosticReport effective[x], issued; Immunization occurrence[x], recorded; Encounter period;
   * ServiceRequest occurrence[x], authoredOn; DocumentReference and Composition date; CarePlan
   * period, created; Claim and ExplanationOfBenefit billablePeriod, created.
   */
  static boolean clinicalSpan(Resource resource, long[] into) {
    switch (resource.getResourceType()) {
      case Observation -> {
        Observation o = (Observation) resource;
        return Instants.span(o.getEffective(), into)
            || o.hasIssued() && Instants.span(o.getIssuedElement(), into);
      }
      case Condition -> {
        Condition c = (Condition) resource;
        return Instants.span(c.getOnset(), into)
            || c.hasRecordedDate() && Instants.span(c.getRecordedDateElement(), into);
      }
      case AllergyIntolerance -> {
        AllergyIntolerance a = (AllergyIntolerance) resource;
        return Instants.span(a.getOnset(), into)
            || a.hasRecordedDate() && Instants.span(a.getRecordedDateElement(), into);
      }
      case Procedure -> {
        return Instants.span(((Procedure) resource).getPerformed(), into);
      }
      case MedicationRequest -> {
        MedicationRequest m = (MedicationRequest) resource;
        return m.hasAuthoredOn() && Instants.span(m.getAuthoredOnElement(), into);
      }
      case MedicationStatement -> {
        MedicationStatement m = (MedicationStatement) resource;
        return Instants.span(m.getEffective(), into)
            || m.hasDateAsserted() && Instants.span(m.getDateAssertedElement(), into);
      }
      case MedicationAdministration -> {
        return Instants.span(((MedicationAdministration) resource).getEffective(), into);
      }
      case MedicationDispense -> {
        MedicationDispense m = (MedicationDispense) resource;
        return m.hasWhenHandedOver() && Instants.span(m.getWhenHandedOverElement(), into)
            || m.hasWhenPrepared() && Instants.span(m.getWhenPreparedElement(), into);
      }
      case DiagnosticReport -> {
        DiagnosticReport d = (DiagnosticReport) resource;
        return Instants.span(d.getEffective(), into)
            || d.hasIssued() && Instants.span(d.getIssuedElement(), into);
      }
      case Immunization -> {
        Immunization i = (Immunization) resource;
        return Instants.span(i.getOccurrence(), into)
            || i.hasRecorded() && Instants.span(i.getRecordedElement(), into);
      }
      case Encounter -> {
        Encounter e = (Encounter) resource;
        return e.hasPeriod() && Instants.span(e.getPeriod(), into);
      }
      case ServiceRequest -> {
        ServiceRequest s = (ServiceRequest) resource;
        return Instants.span(s.getOccurrence(), into)
            || s.hasAuthoredOn() && Instants.span(s.getAuthoredOnElement(), into);
      }
      case DocumentReference -> {
        DocumentReference d = (DocumentReference) resource;
        return d.hasDate() && Instants.span(d.getDateElement(), into);
      }
      case Composition -> {
        Composition c = (Composition) resource;
        return c.hasDate() && Instants.span(c.getDateElement(), into);
      }
      case CarePlan -> {
        CarePlan c = (CarePlan) resource;
        return c.hasPeriod() && Instants.span(c.getPeriod(), into)
            || c.hasCreated() && Instants.span(c.getCreatedElement(), into);
      }
      case Claim -> {
        Claim c = (Claim) resource;
        return c.hasBillablePeriod() && Instants.span(c.getBillablePeriod(), into)
            || c.hasCreated() && Instants.span(c.getCreatedElement(), into);
      }
      case ExplanationOfBenefit -> {
        ExplanationOfBenefit e = (ExplanationOfBenefit) resource;
        return e.hasBillablePeriod() && Instants.span(e.getBillablePeriod(), into)
            || e.hasCreated() && Instants.span(e.getCreatedElement(), into);
      }
      default -> {
        return false;
      }
    }
  }
}
