package org.consentry.consent.internal;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/** The references a resource holds: who authored it, and everything it refers to. */
final class ResourceLinks {

  private ResourceLinks() {}

  /**
   * Whether the resource was authored by one of these ({@code Type/id}): Observation and
   * DiagnosticReport performer (and resultsInterpreter); Condition, AllergyIntolerance and
   * Procedure recorder, asserter (and Procedure performer.actor); MedicationRequest requester,
   * recorder; ServiceRequest requester; MedicationStatement informationSource; Immunization,
   * MedicationAdministration, MedicationDispense performer.actor; Encounter participant.individual;
   * DocumentReference author, authenticator; Composition author; CarePlan author, contributor.
   * Other types name no author and never match.
   */
  static boolean authoredByAny(Resource resource, Set<String> authors) {
    switch (resource.getResourceType()) {
      case Observation -> {
        Observation o = (Observation) resource;
        return o.hasPerformer() && any(o.getPerformer(), authors);
      }
      case DiagnosticReport -> {
        DiagnosticReport d = (DiagnosticReport) resource;
        return d.hasPerformer() && any(d.getPerformer(), authors)
            || d.hasResultsInterpreter() && any(d.getResultsInterpreter(), authors);
      }
      case Condition -> {
        Condition c = (Condition) resource;
        return c.hasRecorder() && is(c.getRecorder(), authors)
            || c.hasAsserter() && is(c.getAsserter(), authors);
      }
      case AllergyIntolerance -> {
        AllergyIntolerance a = (AllergyIntolerance) resource;
        return a.hasRecorder() && is(a.getRecorder(), authors)
            || a.hasAsserter() && is(a.getAsserter(), authors);
      }
      case Procedure -> {
        Procedure p = (Procedure) resource;
        if (p.hasRecorder() && is(p.getRecorder(), authors)
            || p.hasAsserter() && is(p.getAsserter(), authors)) {
          return true;
        }
        return p.hasPerformer()
            && p.getPerformer().stream().anyMatch(x -> x.hasActor() && is(x.getActor(), authors));
      }
      case MedicationRequest -> {
        MedicationRequest m = (MedicationRequest) resource;
        return m.hasRequester() && is(m.getRequester(), authors)
            || m.hasRecorder() && is(m.getRecorder(), authors);
      }
      case ServiceRequest -> {
        ServiceRequest s = (ServiceRequest) resource;
        return s.hasRequester() && is(s.getRequester(), authors);
      }
      case MedicationStatement -> {
        MedicationStatement m = (MedicationStatement) resource;
        return m.hasInformationSource() && is(m.getInformationSource(), authors);
      }
      case Immunization -> {
        Immunization i = (Immunization) resource;
        return i.hasPerformer()
            && i.getPerformer().stream().anyMatch(x -> x.hasActor() && is(x.getActor(), authors));
      }
      case MedicationAdministration -> {
        MedicationAdministration m = (MedicationAdministration) resource;
        return m.hasPerformer()
            && m.getPerformer().stream().anyMatch(x -> x.hasActor() && is(x.getActor(), authors));
      }
      case MedicationDispense -> {
        MedicationDispense m = (MedicationDispense) resource;
        return m.hasPerformer()
            && m.getPerformer().stream().anyMatch(x -> x.hasActor() && is(x.getActor(), authors));
      }
      case Encounter -> {
        Encounter e = (Encounter) resource;
        return e.hasParticipant()
            && e.getParticipant().stream()
                .anyMatch(x -> x.hasIndividual() && is(x.getIndividual(), authors));
      }
      case DocumentReference -> {
        DocumentReference d = (DocumentReference) resource;
        return d.hasAuthor() && any(d.getAuthor(), authors)
            || d.hasAuthenticator() && is(d.getAuthenticator(), authors);
      }
      case Composition -> {
        Composition c = (Composition) resource;
        return c.hasAuthor() && any(c.getAuthor(), authors);
      }
      case CarePlan -> {
        CarePlan c = (CarePlan) resource;
        return c.hasAuthor() && is(c.getAuthor(), authors)
            || c.hasContributor() && any(c.getContributor(), authors);
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * Every resource this one refers to ({@code Type/id}), anywhere in it except contained resources'
   * internal {@code #} references. A generic walk of the model: costly, so callers ask only when a
   * provision needs it.
   */
  static Set<String> references(Resource resource) {
    Set<String> result = new HashSet<>();
    List<Reference> references =
        FhirContext.forR4Cached()
            .newTerser()
            .getAllPopulatedChildElementsOfType(resource, Reference.class);
    for (Reference reference : references) {
      String normalized = References.normalize(reference);
      if (normalized != null) {
        result.add(normalized);
      }
    }
    return result;
  }

  private static boolean is(Reference reference, Set<String> targets) {
    String normalized = References.normalize(reference);
    return normalized != null && targets.contains(normalized);
  }

  private static boolean any(List<Reference> references, Set<String> targets) {
    for (int i = 0, n = references.size(); i < n; i++) {
      if (is(references.get(i), targets)) {
        return true;
      }
    }
    return false;
  }
}
