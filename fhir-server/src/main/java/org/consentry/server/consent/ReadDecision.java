package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentry.consent.Requester;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The one decision step, as other features see it: whether a requester may see a resource (the
 * token's scopes, then the Consents of every patient the resource belongs to). The door asks it
 * before an instance-level request runs, so that a hidden resource answers exactly as a missing
 * one; HAPI's consent hooks ask it for every resource a response would carry.
 */
public interface ReadDecision {

  /**
   * @param request the request on whose behalf the question is asked (it remembers the consent
   *     generation and any emergency override for the audit trail)
   * @return true if the resource may be shown to the requester
   */
  boolean maySee(RequestDetails request, Requester requester, IBaseResource resource);

  /**
   * Whether the patient's Consents decide the same for every resource of theirs when this requester
   * asks, now (no Consent tests a label, code, type, period or other content): then whatever of
   * theirs one resource refers to is shown or hidden as that resource is.
   */
  boolean decidesWholePatient(RequestDetails request, Requester requester, String patientId);
}
