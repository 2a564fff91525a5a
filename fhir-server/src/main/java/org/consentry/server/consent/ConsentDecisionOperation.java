package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.Decision;
import org.consentry.consent.Obligation;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code $consent-decision}: what a given actor, for a given purpose, would see, modelled on the
 * CDS Hooks {@code patient-consent-consult} service of HL7's LEAP project. Asked by a system client
 * about anyone, or by a patient about their own record. Two forms, exactly one of {@code resource}
 * and {@code patient}:
 *
 * <p>One resource: the decision, with the Consent and provision behind it.
 *
 * <pre>
 * GET /fhir/$consent-decision?resource=Observation/123&amp;actor=Organization/7&amp;purpose=TREAT
 * </pre>
 *
 * <p>The whole record ("what would they see?", {@link RecordPreview}): every resource that belongs
 * to the patient, the Patient itself included, decided for the actors; counts of shown and hidden
 * resources, per type, and the first 200 hidden ones with a short label, the reason, the Consent
 * that decided and the resource's date. {@code actor} repeats (a practitioner with their
 * organization); {@code purpose} defaults to TREAT.
 *
 * <pre>
 * curl -s -H "Authorization: Bearer $(./consentry token ehr)" \
 *   'http://127.0.0.1:8080/fhir/$consent-decision?patient=Patient/123&amp;actor=Organization/7&amp;actor=Practitioner/3&amp;purpose=TREAT'
 * </pre>
 *
 * A patient, a resource or a record the asker may not ask about answers as a missing one (404).
 */
final class ConsentDecisionOperation implements FhirOperations {

  private final DaoRegistry daos;
  private final PatientCompartment compartment;
  private final ConsentEngine engine;
  private final ConsentCache cache;
  private final RecordPreview preview;

  ConsentDecisionOperation(
      DaoRegistry daos,
      PatientCompartment compartment,
      ConsentEngine engine,
      ConsentCache cache,
      RecordPreview preview) {
    this.daos = daos;
    this.compartment = compartment;
    this.engine = engine;
    this.cache = cache;
    this.preview = preview;
  }

  @Operation(name = "$consent-decision", idempotent = true)
  public Parameters decide(
      @OperationParam(name = "resource") StringType resourceReference,
      @OperationParam(name = "patient") StringType patientReference,
      @OperationParam(name = "actor", max = OperationParam.MAX_UNLIMITED) List<StringType> actors,
      @OperationParam(name = "purpose") CodeType purposeCode,
      RequestDetails request) {
    boolean resourceGiven = resourceReference != null && resourceReference.hasValue();
    boolean patientGiven = patientReference != null && patientReference.hasValue();
    if (resourceGiven == patientGiven) {
      throw new InvalidRequestException(
          "$consent-decision needs exactly one of resource (a reference such as Observation/123,"
              + " for one resource) and patient (Patient/123, for the whole record)");
    }
    return resourceGiven
        ? decideResource(resourceReference, actors, purposeCode, request)
        : previewRecord(patientReference, actors, purposeCode, request);
  }

  /** The whole record of a patient, as the actors would see it. */
  private Parameters previewRecord(
      StringType patientReference,
      List<StringType> actors,
      CodeType purposeCode,
      RequestDetails request) {
    IdType id = new IdType(patientReference.getValue());
    if (!id.hasIdPart() || (id.hasResourceType() && !"Patient".equals(id.getResourceType()))) {
      throw new InvalidRequestException("patient must be a reference such as Patient/123");
    }
    String patientId = id.getIdPart();
    Requester asker = Requesters.of(request).orElseThrow();
    if (asker.kind() != Requester.Kind.SYSTEM && !asker.isPatient(patientId)) {
      // another patient's record, or anyone else: as if there were no such patient
      throw NotFound.of("Patient", patientId);
    }
    try {
      daos.getResourceDao("Patient")
          .read(new IdType("Patient", patientId), new SystemRequestDetails());
    } catch (BaseServerResponseException missingOrDeleted) {
      throw NotFound.of("Patient", patientId);
    }
    return preview.preview(patientId, hypothetical(actors, purposeCode), asker, request);
  }

  /** One resource's decision, with the Consent and provision behind it. */
  private Parameters decideResource(
      StringType resourceReference,
      List<StringType> actors,
      CodeType purposeCode,
      RequestDetails request) {
    IdType id = new IdType(resourceReference.getValue());
    if (!id.hasResourceType()
        || !id.hasIdPart()
        || !daos.isResourceTypeSupported(id.getResourceType())) {
      throw new InvalidRequestException("resource must be a reference such as Observation/123");
    }
    Resource resource;
    try {
      resource =
          (Resource)
              daos.getResourceDao(id.getResourceType())
                  .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
    } catch (BaseServerResponseException missingOrDeleted) {
      throw NotFound.of(id.getResourceType(), id.getIdPart());
    }
    Set<String> owners = compartment.owners(resource);
    Requester asker = Requesters.of(request).orElseThrow();
    boolean ownRecord = owners.stream().anyMatch(asker::isPatient);
    if (asker.kind() != Requester.Kind.SYSTEM && !ownRecord) {
      // to anyone else, a resource they may not ask about looks absent
      throw NotFound.of(id.getResourceType(), id.getIdPart());
    }
    Requester subject = hypothetical(actors, purposeCode);
    Parameters out = new Parameters();
    out.addParameter("resource", new Reference(id.toUnqualifiedVersionless().getValue()));
    if (owners.isEmpty()) {
      boolean open =
          DirectoryTypes.contains(resource.fhirType()) || subject.kind() == Requester.Kind.SYSTEM;
      return out.addParameter("decision", new CodeType(open ? "permit" : "deny"))
          .addParameter(
              "reason",
              open
                  ? "the resource belongs to no patient: no consent applies"
                  : "the resource belongs to no patient and is not directory data: system clients only");
    }
    // a resource of several patients is shown only if all allow it: report the first deny, else the
    // first permit
    long generation = cache.currentGeneration();
    String first = null;
    Decision permit = null;
    for (String owner : owners) {
      Decision decision = engine.decide(subject, resource, cache.consentsOf(owner, generation));
      if (!decision.permitted()) {
        return describe(out, owner, decision);
      }
      if (permit == null) {
        first = owner;
        permit = decision;
      }
    }
    return describe(out, first, permit);
  }

  private static Parameters describe(Parameters out, String patient, Decision decision) {
    out.addParameter("patient", new Reference("Patient/" + patient));
    out.addParameter("decision", new CodeType(decision.permitted() ? "permit" : "deny"));
    if (decision.consentId() != null) {
      out.addParameter("consent", new Reference(decision.consentId()));
    }
    if (decision.provisionPath() != null) {
      out.addParameter("provision", decision.provisionPath());
    }
    out.addParameter("reason", decision.reason());
    out.addParameter("emergencyOverride", new BooleanType(decision.emergencyOverride()));
    for (Obligation obligation : decision.obligations()) {
      out.addParameter("obligation", new Coding(obligation.system(), obligation.code(), null));
    }
    return out;
  }

  /** The requester the question is about: practitioners and organizations named as actors. */
  private static Requester hypothetical(List<StringType> actors, CodeType purposeCode) {
    Set<String> references = new LinkedHashSet<>();
    String fhirUser = null;
    String organization = null;
    for (StringType actor : actors == null ? List.<StringType>of() : actors) {
      IdType ref = new IdType(actor.getValue());
      if (!ref.hasResourceType() || !ref.hasIdPart()) {
        throw new InvalidRequestException(
            "actor must be a reference such as Practitioner/7, not " + actor.getValue());
      }
      String value = ref.getResourceType() + "/" + ref.getIdPart();
      references.add(value);
      if (fhirUser == null && ref.getResourceType().startsWith("Practitioner")) {
        fhirUser = value;
      } else if (organization == null && ref.getResourceType().equals("Organization")) {
        organization = value;
      }
    }
    String purpose =
        purposeCode == null || purposeCode.isEmpty() ? "TREAT" : purposeCode.getValue();
    Requester.Kind kind =
        purpose.equals("HRESCH")
            ? Requester.Kind.RESEARCHER
            : fhirUser != null ? Requester.Kind.PRACTITIONER : Requester.Kind.SYSTEM;
    if (kind == Requester.Kind.SYSTEM && references.isEmpty()) {
      throw new InvalidRequestException(
          "name at least one actor (Practitioner/..., Organization/..., CareTeam/...)");
    }
    return new Requester(
        kind,
        "consent-decision",
        null,
        fhirUser,
        organization,
        references,
        Set.of(),
        purpose,
        null);
  }
}
