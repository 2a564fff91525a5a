package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Decision;

/**
 * What the decision step decided during one request, for the audit step: the decisions that a
 * patient's own Consent made (a Consent named in {@link Decision#consentId}, permit or deny), and
 * the patients reached by emergency access. Decisions by deployment default are not listed.
 */
public final class ConsentDecisions {

  private ConsentDecisions() {}

  /** By patient id, the decisions their Consents made (each distinct decision once). */
  public static Map<String, Set<Decision>> byConsent(RequestDetails request) {
    return Map.copyOf(RequestState.byConsent(request));
  }

  /**
   * The owners the decision step computed for this resource instance during the request, or null if
   * it decided nothing about it.
   */
  public static Set<String> knownOwners(
      RequestDetails request, org.hl7.fhir.instance.model.api.IBaseResource resource) {
    return RequestState.knownOwners(request, resource);
  }

  /** By patient id, the emergency override that let this request reach their data. */
  public static Map<String, Decision> emergencies(RequestDetails request) {
    return Map.copyOf(RequestState.emergencies(request));
  }
}
