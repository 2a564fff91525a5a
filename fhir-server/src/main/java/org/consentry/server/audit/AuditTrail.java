package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.util.UrlUtil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.audit.AuditLog;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.AuditUnavailableException;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.consentry.server.consent.ConsentDecisions;
import org.consentry.server.crypto.KeyAudit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Reference;

/**
 * The one way into the audit trail: every event (built by {@link AuditEvents} for its requester,
 * with the Consent that decided) has identifying query values protected ({@link QueryProtection}),
 * and is appended to the tamper-evident store ({@link AuditLog}: written within a second, chained,
 * checkpointed), indexed by the patients it concerns and the agent who acted. Thread-safe.
 */
public final class AuditTrail implements KeyAudit {

  static final String READ = "read";
  static final String QUERY = "query";
  static final String CREATE = "create";
  static final String UPDATE = "update";
  static final String DELETE = "delete";
  static final String CONSENT_CHANGE = "consent-change";
  static final String OPERATION = "operation";
  static final String DISCLOSURE = "disclosure";
  static final String RESEARCH_DISCLOSURE = "research-disclosure";
  static final String AUTHZ_CONSENT = "authz-consent";
  static final String EMERGENCY = "emergency";
  static final String ERASURE = "erasure";
  static final String KEY = "key";

  private static final String PATIENT_ROLE = "1";

  private final AuditLog log;
  private final FhirContext fhir;
  private final AuditEvents events;
  private final QueryProtection protection;
  private final boolean enabled;

  AuditTrail(
      AuditLog log,
      FhirContext fhir,
      AuditEvents events,
      QueryProtection protection,
      boolean enabled) {
    this.log = log;
    this.fhir = fhir;
    this.events = events;
    this.protection = protection;
    this.enabled = enabled;
  }

  /**
   * A create, update or delete of {@code resource} ({@code "Observation/5"}) by this request: one
   * event per patient whose data it is (none: one event of no patient).
   */
  void write(
      RequestDetails request, RestWrite write, String resource, Collection<String> patients) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    String interaction = operation == null ? null : operation.getCode();
    String kind =
        resource.startsWith("Consent/")
            ? CONSENT_CHANGE
            : switch (write) {
              case CREATE -> CREATE;
              case UPDATE -> UPDATE;
              case DELETE -> DELETE;
            };
    AuditRequest who = AuditRequest.of(request);
    List<String> each =
        patients.isEmpty() ? Collections.singletonList(null) : List.copyOf(patients);
    for (String patient : each) {
      AuditEvent event = events.write(who, write, interaction, resource, patient);
      withDecision(event, request, patient);
      append(event, kind);
    }
  }

  /** A read or vread showed a resource of this patient ({@code null}: of no patient). */
  void read(RequestDetails request, String interaction, String patientId, String resource) {
    AuditEvent event = events.read(AuditRequest.of(request), interaction, patientId, resource);
    withDecision(event, request, patientId);
    append(event, READ);
  }

  /** A search or page showed this patient's data ({@code null}: no patient's). */
  void query(RequestDetails request, String interaction, String patientId) {
    String method = request.getRequestType() == null ? "GET" : request.getRequestType().name();
    AuditEvent event =
        events.query(AuditRequest.of(request), interaction, patientId, method, url(request));
    withDecision(event, request, patientId);
    append(event, QUERY);
  }

  /** An operation or history ({@code $everything}, ...) showed these patients' data: one each. */
  void operation(RequestDetails request, String operation, Set<String> patients) {
    AuditRequest who = AuditRequest.of(request);
    String method = request.getRequestType() == null ? "GET" : request.getRequestType().name();
    for (String patient : patients) {
      AuditEvent event = events.patientOperation(who, patient, operation, method, url(request));
      withDecision(event, request, patient);
      append(event, OPERATION);
    }
  }

  /**
   * The URL the event names: the request's complete URL, or for an entry of a batch or transaction
   * (which has none) the entry's path and parameters.
   */
  static String url(RequestDetails request) {
    String complete = request.getCompleteUrl();
    if (complete != null) {
      return complete;
    }
    StringBuilder url = new StringBuilder(String.valueOf(request.getRequestPath()));
    char separator = '?';
    Map<String, String[]> parameters =
        request.getParameters() == null ? Map.of() : request.getParameters();
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      for (String value : parameter.getValue()) {
        url.append(separator)
            .append(UrlUtil.escapeUrlParam(parameter.getKey()))
            .append('=')
            .append(UrlUtil.escapeUrlParam(value));
        separator = '&';
      }
    }
    return url.toString();
  }

  /** The Consent that permitted what the event records, if a patient's Consent decided. */
  private static void withDecision(AuditEvent event, RequestDetails request, String patientId) {
    if (patientId == null) {
      return;
    }
    ConsentDecisions.byConsent(request).getOrDefault(patientId, Set.of()).stream()
        .filter(Decision::permitted)
        .findFirst()
        .ifPresent(decision -> AuditEnrichment.addConsentDecision(event, decision));
  }

  /**
   * At the end of a request: each decision a patient's Consent made (AuthZconsent, a deny being an
   * attempt their consent blocked) and each emergency access, once per patient.
   */
  void decisions(RequestDetails request) {
    Map<String, Set<Decision>> decided = ConsentDecisions.byConsent(request);
    Map<String, Decision> emergencies = ConsentDecisions.emergencies(request);
    if (decided.isEmpty() && emergencies.isEmpty()) {
      return;
    }
    AuditRequest who = AuditRequest.of(request);
    decided.forEach(
        (patient, decisions) -> {
          for (Decision decision : decisions) {
            if (!decision.emergencyOverride()) {
              append(events.authorization(who, patient, decision), AUTHZ_CONSENT);
            }
          }
        });
    emergencies.forEach(
        (patient, decision) ->
            append(events.emergencyAccess(who, patient, decision, List.of()), EMERGENCY));
  }

  /** A Bulk Data export job disclosed these patients' data to its requester. */
  public void exportDisclosures(Requester requester, String jobId, Collection<String> patients) {
    AuditRequest who = AuditRequest.background(requester);
    for (String patient : patients) {
      append(events.exportDisclosure(who, patient, jobId), DISCLOSURE);
    }
  }

  /** A research export disclosed these patients' de-identified data to a study. */
  public void researchDisclosures(
      Requester research, String studyReference, String jobId, Collection<String> patients) {
    AuditRequest who = AuditRequest.background(research);
    for (String patient : patients) {
      append(events.researchDisclosure(who, patient, studyReference, jobId), RESEARCH_DISCLOSURE);
    }
  }

  /** A patient's data key was destroyed. */
  @Override
  public void erased(RequestDetails request, String patientId) {
    append(events.erasure(AuditRequest.of(request), patientId), ERASURE);
  }

  /** A key rotation, by a request ({@code null}: the server's own background work). */
  @Override
  public void rotated(
      RequestDetails request, KeyAudit.Rotation rotation, String keyId, String description) {
    AuditRequest who = request == null ? AuditRequest.background(null) : AuditRequest.of(request);
    KeyOperation operation =
        rotation == KeyAudit.Rotation.MASTER_KEY
            ? KeyOperation.ROTATE_MASTER_KEY
            : KeyOperation.ROTATE_DATA_KEY;
    append(events.keyOperation(who, operation, keyId, null, description), KEY);
  }

  private void append(AuditEvent event, String kind) {
    if (!enabled) {
      return;
    }
    protection.protect(event);
    Instant recorded = event.hasRecorded() ? event.getRecorded().toInstant() : Instant.now();
    IParser parser = fhir.newJsonParser();
    try {
      log.append(
          AuditRecord.of(
              recorded, patients(event), kind, agent(event), parser.encodeResourceToString(event)));
    } catch (AuditUnavailableException e) {
      throw unavailable(e);
    }
  }

  /** The 503 of a request that cannot be audited: refused rather than served unaudited. */
  static UnclassifiedServerFailureException unavailable(AuditUnavailableException e) {
    return new UnclassifiedServerFailureException(
        503,
        "The audit trail cannot be written, so this request is refused rather than served"
            + " unaudited: "
            + e.getMessage());
  }

  /** The patients an event concerns: its patient entities (BALP: type 1, role 1). */
  static List<String> patients(AuditEvent event) {
    List<String> out = new ArrayList<>();
    for (AuditEventEntityComponent entity : event.getEntity()) {
      String reference = entity.getWhat().getReference();
      if (PATIENT_ROLE.equals(entity.getRole().getCode())
          && reference != null
          && reference.startsWith("Patient/")) {
        String id = reference.substring("Patient/".length());
        if (!id.isEmpty() && !out.contains(id)) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** Who acted: the requestor agent's reference or identifier. */
  static String agent(AuditEvent event) {
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (agent.getRequestor()) {
        Reference who = agent.getWho();
        if (who.hasReference()) {
          return who.getReference();
        }
        if (who.hasIdentifier() && who.getIdentifier().hasValue()) {
          return who.getIdentifier().getValue();
        }
      }
    }
    return "";
  }
}
