package org.consentry.server.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import jakarta.annotation.Nonnull;
import org.consentry.consent.Requester;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;

/**
 * The request context HAPI's {@link BalpAuditCaptureInterceptor} needs to build its RESTful BALP
 * events (read, vread, search, create, update, delete; each in its Patient variant), derived from
 * the request's {@link Requester} ({@link Requesters#of}).
 *
 * <ul>
 *   <li>user agent: the requester's {@code fhirUser} ({@code Practitioner/7}) with the token
 *       subject as identifier (system: the token issuer); a system client is its client id; a
 *       researcher acting for one study is that study; without a requester (the server's own work),
 *       the server, displayed "Consentry FHIR server".
 *   <li>client agent: the OAuth client id as identifier (HAPI overwrites its display with the
 *       network address).
 *   <li>network address: the servlet's remote address; {@code localhost} as machine name for a
 *       request without one (BALP requires the client's network).
 *   <li>resource ids: relative and without version ({@code Observation/5}, {@code Patient/7}), not
 *       HAPI's default absolute URL, so the store and the patient's own view match on {@code
 *       Patient/ID}.
 * </ul>
 *
 * HAPI's events lack the purpose of use, the organization and the consent decision, and code two
 * agents against the IG: {@link AuditEnrichment} adds and corrects those. Register HAPI's
 * interceptor on the REST server's interceptor service, not the JPA one: its hooks take a {@code
 * ServletRequestDetails} and throw on internal ({@code SystemRequestDetails}) writes, where HAPI
 * passes {@code null}.
 *
 * <p>Failure: an HTTP request without a requester throws 401, as {@link Requesters#of} (never an
 * unattributed event). Thread-safe and stateless.
 */
public final class BalpContext implements IBalpAuditContextServices {

  private final String issuer;

  /**
   * @param issuer the token issuer URL, recorded as the system of the user's identifier; may be
   *     {@code null}
   */
  public BalpContext(String issuer) {
    this.issuer = issuer;
  }

  @Nonnull
  @Override
  public Reference getAgentClientWho(RequestDetails request) {
    return Agents.client(requester(request));
  }

  @Nonnull
  @Override
  public Reference getAgentUserWho(RequestDetails request) {
    return Agents.user(requester(request), issuer);
  }

  @Override
  public String getNetworkAddress(RequestDetails request) {
    String address = IBalpAuditContextServices.super.getNetworkAddress(request);
    return address == null ? "localhost" : address;
  }

  @Override
  public AuditEvent.AuditEventAgentNetworkType getNetworkAddressType(RequestDetails request) {
    return IBalpAuditContextServices.super.getNetworkAddress(request) == null
        ? BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_MACHINE_NAME
        : BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS;
  }

  /** {@code Observation/5}: relative, versionless, typed from the resource when the id is not. */
  @Nonnull
  @Override
  public String massageResourceIdForStorage(
      @Nonnull RequestDetails request,
      @Nonnull IBaseResource resource,
      @Nonnull IIdType resourceId) {
    return relative(request, resource, resourceId);
  }

  static String relative(RequestDetails request, IBaseResource resource, IIdType id) {
    if (!id.hasIdPart()) {
      return id.getValue() == null ? "" : id.getValue();
    }
    String type = id.getResourceType();
    if (type == null || type.isEmpty()) {
      type =
          request != null && request.getFhirContext() != null
              ? request.getFhirContext().getResourceType(resource)
              : resource.fhirType();
    }
    return type + "/" + id.getIdPart();
  }

  private static Requester requester(RequestDetails request) {
    return Requesters.of(request).orElse(null);
  }
}
