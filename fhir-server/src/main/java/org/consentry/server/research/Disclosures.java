package org.consentry.server.research;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Collection;
import java.util.Date;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A research export discloses each released patient's de-identified data to a study: one {@code
 * AuditEvent} per patient (type DICOM 110106 Export, purpose HRESCH, the study and the patient as
 * entities, the researcher's subject as agent), written in one transaction before the job starts,
 * so that a patient's compartment shows every disclosure of their data.
 */
final class Disclosures {

  private static final Logger log = LoggerFactory.getLogger("org.consentry.audit");
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private final IFhirSystemDao<Bundle, ?> system;

  Disclosures(IFhirSystemDao<Bundle, ?> system) {
    this.system = system;
  }

  void record(Requester research, Study study, Collection<String> patients) {
    if (patients.isEmpty()) {
      return;
    }
    Date now = new Date();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (String patient : patients) {
      AuditEvent event = new AuditEvent();
      event.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110106", "Export"));
      event.setAction(AuditEvent.AuditEventAction.R);
      event.setRecorded(now);
      event.setOutcome(AuditEvent.AuditEventOutcome._0);
      event.addPurposeOfEvent().addCoding(new Coding(ACT_REASON, "HRESCH", "healthcare research"));
      // the patient reads this in their compartment: it names the study, never the researcher's
      // account (the researcher is in the server's audit log line below)
      event
          .addAgent()
          .setRequestor(true)
          .setName("research study " + study.reference())
          .setWho(new Reference().setDisplay("research study " + study.reference()));
      event
          .getSource()
          .setObserver(new Reference().setDisplay("Consentry FHIR server"))
          .setSite("consentry");
      event
          .addEntity()
          .setWhat(new Reference("Patient/" + patient))
          .setDescription("de-identified research export");
      event
          .addEntity()
          .setWhat(new Reference(study.reference()))
          .setDescription("the study the data was disclosed to");
      transaction
          .addEntry()
          .setResource(event)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("AuditEvent");
    }
    system.transaction(new SystemRequestDetails(), transaction);
    log.info(
        "research disclosure: {} patients to {} for {}",
        patients.size(),
        study.reference(),
        research.subject());
  }
}
