package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * The whole-record mode of {@code $consent-decision}: every resource of a patient's record (the
 * server's own owner index, the Patient itself included) decided for a hypothetical requester with
 * the same engine and Consents as the resource mode and as every read, counted per type, with the
 * first {@value #MAX_LISTED} hidden ones listed.
 *
 * <p>A resource counts as hidden when the Consents of any of its owners deny it, or permit it with
 * REDACT (the server never shows such a resource either). A listed resource's label ({@link
 * PreviewLabels}) is read from its content only if the one asking may see that resource themself;
 * otherwise it is labelled by its type.
 */
final class RecordPreview {

  static final int MAX_LISTED = 200;
  static final int PAGE = 500;

  private final FhirContext fhir;
  private final DaoRegistry daos;
  private final ServerSearches searches;
  private final PatientCompartment compartment;
  private final ConsentEngine engine;
  private final ConsentCache cache;
  private final ConsentEnforcement enforcement;

  RecordPreview(
      FhirContext fhir,
      DaoRegistry daos,
      ServerSearches searches,
      PatientCompartment compartment,
      ConsentEngine engine,
      ConsentCache cache,
      ConsentEnforcement enforcement) {
    this.fhir = fhir;
    this.daos = daos;
    this.searches = searches;
    this.compartment = compartment;
    this.engine = engine;
    this.cache = cache;
    this.enforcement = enforcement;
  }

  /** Shown and hidden resources, of one type or of the whole record. */
  private static final class Tally {
    int shown;
    int hidden;
  }

  private record Hidden(Resource resource, Decision decision) {}

  /**
   * @param patientId the bare id of a stored patient the asker may ask about
   * @param subject the hypothetical requester
   * @param asker who asks (labels only for what they may see themself)
   */
  Parameters preview(String patientId, Requester subject, Requester asker, RequestDetails request) {
    long generation = cache.currentGeneration();
    Map<String, Tally> byType = new TreeMap<>();
    List<Hidden> listed = new ArrayList<>();
    Tally total = new Tally();
    for (String type : types()) {
      searches.eachOwnedBy(
          type,
          patientId,
          PAGE,
          stored -> {
            if (!(stored instanceof Resource resource)) {
              return;
            }
            Set<String> owners = compartment.owners(resource);
            if (!owners.contains(patientId)) {
              return; // its content no longer names the patient (index not yet refreshed)
            }
            Decision hiding = hidingDecision(subject, resource, owners, generation);
            Tally tally = byType.computeIfAbsent(resource.fhirType(), t -> new Tally());
            if (hiding == null) {
              tally.shown++;
              total.shown++;
              return;
            }
            tally.hidden++;
            total.hidden++;
            if (listed.size() < MAX_LISTED) {
              listed.add(new Hidden(resource, hiding));
            }
          });
    }
    Parameters out = new Parameters();
    out.addParameter("patient", new Reference("Patient/" + patientId));
    out.addParameter("shown", new IntegerType(total.shown));
    out.addParameter("hidden", new IntegerType(total.hidden));
    byType.forEach(
        (type, tally) -> {
          ParametersParameterComponent part = out.addParameter().setName("type");
          part.addPart().setName("name").setValue(new CodeType(type));
          part.addPart().setName("shown").setValue(new IntegerType(tally.shown));
          part.addPart().setName("hidden").setValue(new IntegerType(tally.hidden));
        });
    for (Hidden hidden : listed) {
      describe(out.addParameter().setName("hiddenResource"), hidden, asker, request);
    }
    out.addParameter("truncated", new BooleanType(total.hidden > MAX_LISTED));
    return out;
  }

  /** The stored types that can belong to a patient, by name. */
  private List<String> types() {
    return fhir.getResourceTypes().stream()
        .filter(compartment::mayHaveOwners)
        .filter(daos::isResourceTypeSupported)
        .sorted()
        .toList();
  }

  /**
   * The first decision of an owner's Consents that hides the resource from the subject, or null if
   * it is shown.
   */
  private Decision hidingDecision(
      Requester subject, Resource resource, Set<String> owners, long generation) {
    for (String owner : owners) {
      Decision decision = engine.decide(subject, resource, cache.consentsOf(owner, generation));
      if (ConsentEnforcement.hides(decision)) {
        return decision;
      }
    }
    return null;
  }

  private void describe(
      ParametersParameterComponent part, Hidden hidden, Requester asker, RequestDetails request) {
    Resource resource = hidden.resource();
    part.addPart()
        .setName("resource")
        .setValue(new Reference(resource.getIdElement().toUnqualifiedVersionless().getValue()));
    boolean mayRead = enforcement.decide(request, asker, resource, false);
    part.addPart()
        .setName("display")
        .setValue(new StringType(mayRead ? PreviewLabels.display(resource) : resource.fhirType()));
    part.addPart().setName("reason").setValue(new StringType(hidden.decision().reason()));
    if (hidden.decision().consentId() != null) {
      part.addPart().setName("consent").setValue(new Reference(hidden.decision().consentId()));
    }
    if (mayRead) {
      PreviewLabels.date(resource).ifPresent(date -> part.addPart().setName("date").setValue(date));
    }
  }
}
