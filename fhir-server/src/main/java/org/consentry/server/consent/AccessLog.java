package org.consentry.server.consent;

import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server log's line for each resource reached by emergency access. The audit trail records the
 * access itself, once per patient at the end of the request (see {@link ConsentDecisions}).
 */
final class AccessLog {

  private static final Logger log = LoggerFactory.getLogger("org.consentry.audit");

  void emergency(Requester requester, String patientId, Resource resource, Decision decision) {
    log.warn(
        "emergency access: {} ({}) read {} of Patient/{}: {}",
        requester.fhirUser(),
        requester.subject(),
        resource.getIdElement().toUnqualifiedVersionless().getValue(),
        patientId,
        decision.reason());
  }
}
