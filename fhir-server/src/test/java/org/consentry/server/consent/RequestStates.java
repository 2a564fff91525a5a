package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentry.consent.Decision;

/**
 * What the decision step remembers of a request, set by tests of other packages (the audit step
 * reads it through {@link ConsentDecisions}) without running the consent engine.
 */
public final class RequestStates {

  private RequestStates() {}

  /** A patient's Consent made {@code decision} during the request. */
  public static void decidedByConsent(RequestDetails request, String patientId, Decision decision) {
    RequestState.decidedByConsent(request, patientId, decision);
  }

  /** The request reached the patient's data by emergency access. */
  public static void emergency(RequestDetails request, String patientId, Decision decision) {
    RequestState.emergency(request, patientId, decision);
  }
}
