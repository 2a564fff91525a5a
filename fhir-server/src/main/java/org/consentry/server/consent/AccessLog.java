package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Date;
import java.util.Map;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of emergency access: a log line for each resource reached by override, and at the
 * end of the request one {@code AuditEvent} per patient (purpose ETREAT, the practitioner as agent,
 * the patient as entity), which the patient can read in their own compartment.
 */
final class AccessLog {

  private static final Logger log = LoggerFactory.getLogger("org.consentry.audit");
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private final DaoRegistry daos;

  AccessLog(DaoRegistry daos) {
    this.daos = daos;
  }

  void emergency(Requester requester, String patientId, Resource resource, Decision decision) {
    log.warn(
        "emergency access: {} ({}) read {} of Patient/{}: {}",
        requester.fhirUser(),
        requester.subject(),
        resource.getIdElement().toUnqualifiedVersionless().getValue(),
        patientId,
        decision.reason());
  }

  /** Writes the AuditEvents of a request that reached patients by emergency access. */
  void recordEmergencies(Requester requester, Map<String, Decision> byPatient, String requestPath) {
    for (Map.Entry<String, Decision> entry : byPatient.entrySet()) {
      AuditEvent event = new AuditEvent();
      event.setType(
          new Coding(
              "http://terminology.hl7.org/CodeSystem/audit-event-type",
              "rest",
              "RESTful Operation"));
      event.setAction(AuditEventAction.R);
      event.setRecorded(new Date());
      event.setOutcome(AuditEventOutcome._0);
      event.setOutcomeDesc(entry.getValue().reason());
      event.addPurposeOfEvent().addCoding(new Coding(ACT_REASON, "ETREAT", "emergency treatment"));
      AuditEvent.AuditEventAgentComponent agent =
          event.addAgent().setRequestor(true).setAltId(requester.subject());
      if (requester.fhirUser() != null) {
        agent.setWho(new Reference(requester.fhirUser()));
      }
      agent.addPurposeOfUse().addCoding(new Coding(ACT_REASON, "ETREAT", "emergency treatment"));
      event
          .getSource()
          .setObserver(new Reference().setDisplay("Consentry FHIR server"))
          .setSite("consentry");
      event
          .addEntity()
          .setWhat(new Reference("Patient/" + entry.getKey()))
          .setDescription(requestPath);
      daos.getResourceDao(AuditEvent.class).create(event, new SystemRequestDetails());
    }
  }
}
