package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Typed readers for clinical resources. Each reads the coded elements that say what the resource is
 * about; every getter is guarded by its {@code has} method, because HAPI's getters create (and
 * attach) an empty element when there is none.
 */
final class ClinicalCodes {

  private ClinicalCodes() {}

  static void collect(Resource resource, CodeCollector codes) {
    switch (resource.getResourceType()) {
      case Observation -> observation((Observation) resource, codes);
      case Condition -> condition((Condition) resource, codes);
      case Procedure -> procedure((Procedure) resource, codes);
      case DiagnosticReport -> diagnosticReport((DiagnosticReport) resource, codes);
      case Encounter -> encounter((Encounter) resource, codes);
      case CarePlan -> carePlan((CarePlan) resource, codes);
      case DocumentReference -> documentReference((DocumentReference) resource, codes);
      case ServiceRequest -> serviceRequest((ServiceRequest) resource, codes);
      case AllergyIntolerance -> allergyIntolerance((AllergyIntolerance) resource, codes);
      default -> throw new IllegalStateException("no clinical reader for " + resource.fhirType());
    }
  }

  /** code, valueCodeableConcept, and each component's code and valueCodeableConcept. */
  private static void observation(Observation observation, CodeCollector codes) {
    if (observation.hasCode()) {
      codes.concept(observation.getCode());
    }
    if (observation.hasValueCodeableConcept()) {
      codes.concept(observation.getValueCodeableConcept());
    }
    if (observation.hasComponent()) {
      for (Observation.ObservationComponentComponent component : observation.getComponent()) {
        if (component.hasCode()) {
          codes.concept(component.getCode());
        }
        if (component.hasValueCodeableConcept()) {
          codes.concept(component.getValueCodeableConcept());
        }
      }
    }
  }

  /** code and evidence codes. */
  private static void condition(Condition condition, CodeCollector codes) {
    if (condition.hasCode()) {
      codes.concept(condition.getCode());
    }
    if (condition.hasEvidence()) {
      for (Condition.ConditionEvidenceComponent evidence : condition.getEvidence()) {
        if (evidence.hasCode()) {
          codes.concepts(evidence.getCode());
        }
      }
    }
  }

  /** code, reasonCode, complication, followUp, usedCode. */
  private static void procedure(Procedure procedure, CodeCollector codes) {
    if (procedure.hasCode()) {
      codes.concept(procedure.getCode());
    }
    if (procedure.hasReasonCode()) {
      codes.concepts(procedure.getReasonCode());
    }
    if (procedure.hasComplication()) {
      codes.concepts(procedure.getComplication());
    }
    if (procedure.hasFollowUp()) {
      codes.concepts(procedure.getFollowUp());
    }
    if (procedure.hasUsedCode()) {
      codes.concepts(procedure.getUsedCode());
    }
  }

  /** code and conclusionCode. */
  private static void diagnosticReport(DiagnosticReport report, CodeCollector codes) {
    if (report.hasCode()) {
      codes.concept(report.getCode());
    }
    if (report.hasConclusionCode()) {
      codes.concepts(report.getConclusionCode());
    }
  }

  /** type, serviceType, reasonCode. */
  private static void encounter(Encounter encounter, CodeCollector codes) {
    if (encounter.hasType()) {
      codes.concepts(encounter.getType());
    }
    if (encounter.hasServiceType()) {
      codes.concept(encounter.getServiceType());
    }
    if (encounter.hasReasonCode()) {
      codes.concepts(encounter.getReasonCode());
    }
  }

  /** category, and each activity detail's code, reasonCode and productCodeableConcept. */
  private static void carePlan(CarePlan plan, CodeCollector codes) {
    if (plan.hasCategory()) {
      codes.concepts(plan.getCategory());
    }
    if (plan.hasActivity()) {
      for (CarePlan.CarePlanActivityComponent activity : plan.getActivity()) {
        if (!activity.hasDetail()) {
          continue;
        }
        CarePlan.CarePlanActivityDetailComponent detail = activity.getDetail();
        if (detail.hasCode()) {
          codes.concept(detail.getCode());
        }
        if (detail.hasReasonCode()) {
          codes.concepts(detail.getReasonCode());
        }
        if (detail.hasProductCodeableConcept()) {
          codes.concept(detail.getProductCodeableConcept());
        }
      }
    }
  }

  /** type, category, context.event. */
  private static void documentReference(DocumentReference document, CodeCollector codes) {
    if (document.hasType()) {
      codes.concept(document.getType());
    }
    if (document.hasCategory()) {
      codes.concepts(document.getCategory());
    }
    if (document.hasContext() && document.getContext().hasEvent()) {
      codes.concepts(document.getContext().getEvent());
    }
  }

  /** code, reasonCode. */
  private static void serviceRequest(ServiceRequest request, CodeCollector codes) {
    if (request.hasCode()) {
      codes.concept(request.getCode());
    }
    if (request.hasReasonCode()) {
      codes.concepts(request.getReasonCode());
    }
  }

  /** code, and each reaction's substance and manifestation. */
  private static void allergyIntolerance(AllergyIntolerance allergy, CodeCollector codes) {
    if (allergy.hasCode()) {
      codes.concept(allergy.getCode());
    }
    if (allergy.hasReaction()) {
      for (AllergyIntolerance.AllergyIntoleranceReactionComponent reaction :
          allergy.getReaction()) {
        if (reaction.hasSubstance()) {
          codes.concept(reaction.getSubstance());
        }
        if (reaction.hasManifestation()) {
          codes.concepts(reaction.getManifestation());
        }
      }
    }
  }
}
