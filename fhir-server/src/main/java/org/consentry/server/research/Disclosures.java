package org.consentry.server.research;

import java.util.Collection;
import org.consentry.consent.Requester;
import org.consentry.server.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A research export discloses each released patient's de-identified data to a study: one disclosure
 * event per patient in the audit trail (BALP PrivacyDisclosure, purpose HRESCH, the study as
 * recipient, never the researcher's account), recorded before the job starts, so that a patient's
 * trail and access report show every disclosure of their data.
 */
final class Disclosures {

  private static final Logger log = LoggerFactory.getLogger("org.consentry.audit");

  private final AuditTrail trail;

  Disclosures(AuditTrail trail) {
    this.trail = trail;
  }

  void record(Requester research, Study study, Collection<String> patients) {
    if (patients.isEmpty()) {
      return;
    }
    // the job's id is not known before HAPI starts it: the run gets its own, in each event
    String run = "research-run-" + java.util.UUID.randomUUID();
    trail.researchDisclosures(research, study.reference(), run, patients);
    log.info(
        "research disclosure {}: {} patients to {} for {}",
        run,
        patients.size(),
        study.reference(),
        research.subject());
  }
}
