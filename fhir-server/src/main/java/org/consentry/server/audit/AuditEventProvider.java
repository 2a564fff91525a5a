package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.consentry.audit.AuditLog;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.AuditUnavailableException;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * {@code AuditEvent}: the audit trail, read from the tamper-evident store ({@link AuditLog}), never
 * written through the API. A patient reads the events about themself only (another patient's trail
 * looks empty, an event of theirs missing); an auditor reads all, filtered by patient, agent and
 * date. Newest first, paged with {@code _offset} and {@code _count}; {@code Bundle.total} is exact.
 */
final class AuditEventProvider
    implements org.consentry.server.fhir.FhirOperations, IResourceProvider {

  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 500;

  private final AuditLog log;
  private final FhirContext fhir;

  AuditEventProvider(AuditLog log, FhirContext fhir) {
    this.log = log;
    this.fhir = fhir;
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return AuditEvent.class;
  }

  @Read
  public AuditEvent read(@IdParam IdType id, RequestDetails request) {
    try {
      return readStored(id, request);
    } catch (AuditUnavailableException e) {
      throw AuditTrail.unavailable(e);
    }
  }

  private AuditEvent readStored(IdType id, RequestDetails request) {
    Requester requester = reader(request);
    long seq = seq(id);
    Optional<AuditRecord> found = seq > 0 ? log.bySeq(seq) : Optional.empty();
    if (found.isEmpty()
        || requester.kind() == Requester.Kind.PATIENT
            && !found.get().patients().contains(requester.patientId())) {
      throw NotFound.of("AuditEvent", id.getIdPart());
    }
    return AuditRecords.toEvent(fhir, found.get());
  }

  @Search
  public Bundle search(
      @OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
      @OptionalParam(name = AuditEvent.SP_AGENT) ReferenceParam agent,
      @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
      RequestDetails request) {
    try {
      return searchStored(patient, agent, date, request);
    } catch (AuditUnavailableException e) {
      throw AuditTrail.unavailable(e);
    }
  }

  private Bundle searchStored(
      ReferenceParam patient, ReferenceParam agent, DateRangeParam date, RequestDetails request) {
    Requester requester = reader(request);
    log.flush(); // what was recorded up to this request is in the answer
    int offset = number(request, "_offset", 0, Integer.MAX_VALUE, 0);
    int count = number(request, "_count", 0, MAX_PAGE, DEFAULT_PAGE);
    Instant from =
        date == null || date.getLowerBoundAsInstant() == null
            ? null
            : date.getLowerBoundAsInstant().toInstant();
    Instant to =
        date == null || date.getUpperBoundAsInstant() == null
            ? null
            : date.getUpperBoundAsInstant().toInstant();
    String patientId = patient == null ? null : patientId(patient);
    String agentRef = agent == null ? null : agent.getValue();
    List<AuditRecord> page;
    long total;
    if (requester.kind() == Requester.Kind.PATIENT) {
      if (patientId != null && !patientId.equals(requester.patientId())) {
        // another patient's trail looks as an unknown patient's: empty
        return AuditRecords.page(fhir, request, List.of(), 0, offset, count);
      }
      patientId = requester.patientId();
      if (agentRef != null) {
        throw new InvalidRequestException(
            "agent is a search of auditors; a patient reads their trail by date");
      }
    }
    if (patientId != null && agentRef != null) {
      throw new InvalidRequestException("search the trail by patient or by agent, not both");
    }
    if (patientId != null) {
      total = log.countByPatient(patientId, from, to);
      page = count == 0 ? List.of() : log.byPatient(patientId, from, to, offset, count);
    } else {
      total = log.countAll(from, to, agentRef);
      page = count == 0 ? List.of() : log.all(from, to, agentRef, offset, count);
    }
    return AuditRecords.page(fhir, request, page, total, offset, count);
  }

  /** Patients (their own trail) and auditors; the door refuses everyone else before this. */
  private static Requester reader(RequestDetails request) {
    Requester requester =
        Requesters.of(request)
            .orElseThrow(() -> new ForbiddenOperationException("an access token is required"));
    if (requester.kind() != Requester.Kind.PATIENT && requester.kind() != Requester.Kind.AUDITOR) {
      throw new ForbiddenOperationException(
          "the audit trail is read by patients (their own) and auditors only");
    }
    return requester;
  }

  private static long seq(IdType id) {
    String part = id.getIdPart();
    if (part == null || !part.matches("[1-9][0-9]{0,17}")) {
      return 0;
    }
    return Long.parseLong(part);
  }

  private static String patientId(ReferenceParam patient) {
    String value = patient.getValue();
    String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
    if (patient.getResourceType() != null && !"Patient".equals(patient.getResourceType())
        || id.isEmpty()
        || id.contains("/")) {
      throw new InvalidRequestException("patient must be a reference such as Patient/123");
    }
    return id;
  }

  private static int number(RequestDetails request, String name, int min, int max, int absent) {
    String[] values = request.getParameters() == null ? null : request.getParameters().get(name);
    if (values == null || values.length == 0) {
      return absent;
    }
    try {
      int value = Integer.parseInt(values[0].trim());
      if (value < min) {
        throw new InvalidRequestException(name + " must be at least " + min);
      }
      return Math.min(value, max);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name + " must be a whole number");
    }
  }
}
