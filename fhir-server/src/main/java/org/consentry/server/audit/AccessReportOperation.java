package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.consentry.audit.AuditLog;
import org.consentry.audit.AuditRecord;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code Patient/ID/$access-report}: who saw the patient's record, in plain words, for the patient
 * themself (and auditors): a summary, then one entry per group of accesses (who with their name and
 * organization, what, how often, when last, for what purpose), emergency accesses, research
 * disclosures (the study, never a researcher) and attempts their consent blocked flagged.
 *
 * <pre>
 * GET /fhir/Patient/123/$access-report?since=2026-01-01
 * </pre>
 */
final class AccessReportOperation implements FhirOperations {

  /** The newest events a report reads (older ones are counted in the summary's note). */
  static final int MAX_EVENTS = 10_000;

  private final AuditLog log;
  private final FhirContext fhir;
  private final DaoRegistry daos;

  AccessReportOperation(AuditLog log, FhirContext fhir, DaoRegistry daos) {
    this.log = log;
    this.fhir = fhir;
    this.daos = daos;
  }

  @Operation(name = "$access-report", idempotent = true, typeName = "Patient")
  public Parameters report(
      @IdParam IdType patient,
      @OperationParam(name = "since") DateTimeType since,
      RequestDetails request) {
    Requester requester = Requesters.of(request).orElseThrow();
    String patientId = patient.getIdPart();
    if (requester.kind() == Requester.Kind.PATIENT && !requester.isPatient(patientId)) {
      throw NotFound.of("Patient", patientId); // another patient's report looks as a missing one
    }
    if (since != null && since.getValue() == null) {
      throw new InvalidRequestException("since must be a date such as 2026-01-01");
    }
    Instant from = since == null ? null : since.getValue().toInstant();
    try {
      log.flush(); // what was recorded up to this request is in the report
    } catch (org.consentry.audit.AuditUnavailableException e) {
      throw AuditTrail.unavailable(e);
    }
    long total = log.countByPatient(patientId, from, null);
    List<AccessReport.Stored> events = new ArrayList<>();
    for (AuditRecord record : log.byPatient(patientId, from, null, 0, MAX_EVENTS)) {
      events.add(
          new AccessReport.Stored(
              record.recorded(), record.kind(), AuditRecords.toEvent(fhir, record)));
    }
    Map<String, String> known = new HashMap<>();
    AccessReport report = new AccessReport(ref -> known.computeIfAbsent(ref, this::nameOf));
    List<AccessReport.Group> groups = report.groups(patientId, events);

    Parameters out = new Parameters();
    out.addParameter().setName("patient").setValue(new Reference("Patient/" + patientId));
    if (from != null) {
      out.addParameter().setName("since").setValue(new DateTimeType(Date.from(from)));
    }
    String summary = AccessReport.summary(groups);
    if (total > MAX_EVENTS) {
      summary += " (The newest " + MAX_EVENTS + " of " + total + " events are shown.)";
    }
    out.addParameter().setName("summary").setValue(new StringType(summary));
    for (AccessReport.Group group : groups) {
      ParametersParameterComponent access = out.addParameter().setName("access");
      access.addPart().setName("flag").setValue(new CodeType(group.flag().name().toLowerCase()));
      access.addPart().setName("who").setValue(new StringType(group.who()));
      if (!group.organization().isEmpty()) {
        access.addPart().setName("organization").setValue(new StringType(group.organization()));
      }
      if (!group.purpose().isEmpty()) {
        access.addPart().setName("purpose").setValue(new CodeType(group.purpose()));
      }
      group
          .types()
          .forEach(
              (type, n) ->
                  access.addPart().setName("what").setValue(new StringType(n + " " + type)));
      access.addPart().setName("count").setValue(new IntegerType(group.count()));
      access.addPart().setName("first").setValue(new DateTimeType(Date.from(group.first())));
      access.addPart().setName("last").setValue(new DateTimeType(Date.from(group.last())));
      access.addPart().setName("text").setValue(new StringType(group.sentence()));
    }
    return out;
  }

  /** The display name of a Practitioner, Organization or ResearchStudy; null if unknown. */
  private String nameOf(String reference) {
    IdType id = new IdType(reference);
    if (!id.hasResourceType() || !id.hasIdPart()) {
      return null;
    }
    IBaseResource resource;
    try {
      if (!daos.isResourceTypeSupported(id.getResourceType())) {
        return null;
      }
      resource = daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
    } catch (BaseServerResponseException missing) {
      return null;
    }
    if (resource instanceof Practitioner practitioner && practitioner.hasName()) {
      return name(practitioner.getNameFirstRep());
    }
    if (resource instanceof Organization organization && organization.hasName()) {
      return organization.getName();
    }
    if (resource instanceof ResearchStudy study && study.hasTitle()) {
      return "research study \"" + study.getTitle() + "\"";
    }
    return null;
  }

  private static String name(HumanName name) {
    if (name.hasText()) {
      return name.getText();
    }
    StringBuilder text = new StringBuilder();
    name.getPrefix().forEach(p -> text.append(p.getValue()).append(' '));
    name.getGiven().forEach(g -> text.append(g.getValue()).append(' '));
    if (name.hasFamily()) {
      text.append(name.getFamily());
    }
    String out = text.toString().trim();
    return out.isEmpty() ? null : out;
  }
}
