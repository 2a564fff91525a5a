package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.ContentDependence;
import org.consentry.consent.Decision;
import org.consentry.consent.Obligation;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.ReadAccess;
import org.consentry.server.security.Subscribers;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one decision step: whether a requester may see a resource that would leave the server. It
 * applies, in order: a Bulk Data export file is for its requester only ({@link
 * ExportOutputAccess#visibleTo}); the resource's owners from its content ({@link
 * PatientCompartment}); the token's scopes (type and patient compartment) and, for a resource that
 * belongs to no patient, the directory rule of {@link ReadAccess} (directory data for all, anything
 * else for system clients only); then for each owner, that patient's Consents (a resource of
 * several patients, such as a Bundle of their records, is shown only if every one of them allows
 * it). A provision that asks for REDACT hides the resource as well. {@link ConsentHooks} calls it
 * for every resource HAPI loads or shows; {@link ConsentViews} calls the same engine on stand-in
 * resources to push the content-independent part into the search.
 */
final class ConsentEnforcement implements ReadDecision {

  private static final Obligation REDACT = Obligation.policy("REDACT");

  private final PatientCompartment compartment;
  private final ReadAccess readAccess;
  private final ConsentEngine engine;
  private final ConsentCache cache;
  private final AccessLog accessLog;

  ConsentEnforcement(
      PatientCompartment compartment,
      ReadAccess readAccess,
      ConsentEngine engine,
      ConsentCache cache,
      AccessLog accessLog) {
    this.compartment = compartment;
    this.readAccess = readAccess;
    this.engine = engine;
    this.cache = cache;
    this.accessLog = accessLog;
  }

  @Override
  public boolean maySee(RequestDetails request, Requester requester, IBaseResource resource) {
    return decide(request, requester, resource);
  }

  @Override
  public boolean decidesWholePatient(
      RequestDetails request, Requester requester, String patientId) {
    if (requester.isPatient(patientId)) {
      return true;
    }
    ContentDependence dependence =
        engine.dependence(
            requester, cache.consentsOf(patientId, RequestState.generation(request, cache)));
    return dependence.labels().isEmpty() && !dependence.otherContent();
  }

  /**
   * A deny hides a resource, and so does a permit that asks for REDACT (this server does not mask).
   */
  static boolean hides(Decision decision) {
    return !decision.permitted() || decision.obligations().contains(REDACT);
  }

  /**
   * Whether the requester may see the resource; records emergency overrides for the response and
   * audit.
   */
  boolean decide(RequestDetails request, Requester requester, IBaseResource resource) {
    return decide(request, requester, resource, true);
  }

  /**
   * The decision; with {@code record} false an emergency override is not recorded, for a resource
   * that is only counted, never shown.
   */
  boolean decide(
      RequestDetails request, Requester requester, IBaseResource resource, boolean record) {
    if (!ExportOutputAccess.visibleTo(resource, requester)) {
      return false; // another requester's export file
    }
    if (!Subscribers.visibleTo(resource, requester)) {
      return false; // another requester's Subscription
    }
    Set<String> owners = RequestState.owners(request, resource, compartment);
    if (!readAccess.scopesReach(requester, resource, owners)) {
      return false;
    }
    if (owners.isEmpty() || !(resource instanceof Resource r)) {
      return true;
    }
    long generation = RequestState.generation(request, cache);
    for (String owner : owners) {
      if (requester.isPatient(owner)) {
        continue;
      }
      Decision decision = engine.decide(requester, r, cache.consentsOf(owner, generation));
      if (record && decision.consentId() != null) {
        RequestState.decidedByConsent(request, owner, decision);
      }
      if (hides(decision)) {
        return false;
      }
      if (decision.emergencyOverride() && record) {
        RequestState.emergency(request, owner, decision);
        accessLog.emergency(requester, owner, r, decision);
      }
    }
    return true;
  }
}
