package org.consentry.server.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.consentry.consent.Requester;
import org.consentry.server.security.Requesters;

/**
 * What an {@link AuditEvents} builder needs to know of the request an event records: who asked,
 * from where, under which request id, and the server base the request reached. Immutable.
 *
 * @param requester who asked, or {@code null} for work the server does itself (then the server is
 *     the user and the client, named "Consentry FHIR server")
 * @param networkAddress the client's IP address, or {@code null} when there was no HTTP request
 *     (recorded as machine name {@code localhost})
 * @param requestId HAPI's request id (the X-Request-Id), or {@code null}; recorded as BALP's
 *     XrequestId entity
 * @param serverBase the FHIR base URL the request reached, or {@code null} to use the builder's
 */
public record AuditRequest(
    Requester requester, String networkAddress, String requestId, String serverBase) {

  /**
   * The audit view of a HAPI request: its requester ({@link Requesters#of}), remote address,
   * request id and server base.
   *
   * @throws ca.uhn.fhir.rest.server.exceptions.AuthenticationException for an HTTP request without
   *     a requester, as {@link Requesters#of} (fail closed)
   */
  public static AuditRequest of(RequestDetails request) {
    Requester requester = Requesters.of(request).orElse(null);
    String address = null;
    String base = null;
    if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null) {
      address = servlet.getServletRequest().getRemoteAddr();
      base = servlet.getFhirServerBase();
    }
    return new AuditRequest(requester, address, request.getRequestId(), base);
  }

  /**
   * Background work without an HTTP request, done by the server itself ({@code requester} null) or
   * on someone's behalf (a bulk export job for its requester).
   */
  public static AuditRequest background(Requester requester) {
    return new AuditRequest(requester, null, null, null);
  }
}
