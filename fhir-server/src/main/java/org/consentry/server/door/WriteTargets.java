package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * Writes by id tell nothing about ids the requester cannot see. Only system clients create
 * resources with an id of their choosing (an update that creates): for anyone else a free id and a
 * hidden one would answer differently, so both answer as missing, and they create with POST. The
 * entries of a transaction or batch that update, patch or delete by id are admitted as the door
 * admits the same request sent alone: the target must exist and be visible.
 */
@Interceptor
final class WriteTargets implements ServerInterceptor {

  private final Instances instances;

  WriteTargets(Instances instances) {
    this.instances = instances;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_CLIENT_ASSIGNED_ID)
  public void clientAssignedId(IBaseResource resource, RequestDetails request) {
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    if (requester != null
        && requester.kind() != Requester.Kind.SYSTEM
        && !ServerChosenIds.marked(request)) {
      throw NotFound.of(resource.fhirType(), resource.getIdElement().getIdPart());
    }
  }

  /**
   * Every entry of a transaction or batch says what to do: a method and a URL (HAPI fails on one
   * without).
   */
  static void requireRequests(IBaseResource sent) {
    if (!(sent instanceof Bundle bundle)) {
      return;
    }
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      Bundle.BundleEntryRequestComponent entry = bundle.getEntry().get(i).getRequest();
      if (entry == null
          || entry.getMethod() == null
          || entry.getMethod() == Bundle.HTTPVerb.NULL
          || !entry.hasUrl()) {
        throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
            "Bundle entry "
                + i
                + " has no request.method (the HTTP verb) or no request.url: each entry of a transaction or batch needs both");
      }
    }
  }

  /**
   * The declarations of the server's own owner indexes are the server's, and so is the audit trail:
   * no client changes them.
   */
  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void ownIndexCreated(IBaseResource resource) {
    refuseOwnIndex(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void ownIndexUpdated(IBaseResource previous, IBaseResource updated) {
    refuseOwnIndex(previous);
    refuseOwnIndex(updated);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void ownIndexDeleted(IBaseResource resource) {
    refuseOwnIndex(resource);
  }

  private static void refuseOwnIndex(IBaseResource resource) {
    if (resource instanceof org.hl7.fhir.r4.model.AuditEvent) {
      // also as a transaction or batch entry, which reaches storage without the type's provider
      throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(
          "AuditEvent is written by the server only: the audit trail records what it serves");
    }
    if (resource instanceof org.hl7.fhir.r4.model.SearchParameter parameter
        && (parameter.getIdElement().getIdPart() != null
                && parameter.getIdElement().getIdPart().startsWith(OwnerIndex.PREFIX)
            || parameter.getCode() != null && parameter.getCode().startsWith(OwnerIndex.PREFIX))) {
      throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(
          "SearchParameter "
              + parameter.getCode()
              + " is an index the server keeps for itself; it cannot be written");
    }
  }

  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void entries(IBaseBundle bundle, RequestDetails request) {
    requireRequests(bundle);
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    if (requester == null
        || requester.kind() == Requester.Kind.SYSTEM
        || ServerChosenIds.marked(request)
        || !(bundle instanceof Bundle sent)) {
      return;
    }
    for (Bundle.BundleEntryComponent entry : sent.getEntry()) {
      Bundle.HTTPVerb method = entry.getRequest().getMethod();
      String url = entry.getRequest().getUrl();
      if (url == null
          || url.contains("?")
          || method != Bundle.HTTPVerb.PUT
              && method != Bundle.HTTPVerb.PATCH
              && method != Bundle.HTTPVerb.DELETE) {
        continue; // creates by POST, reads (admitted by the door as sub-requests), conditional
        // writes (refused)
      }
      IdType id = new IdType(url);
      if (id.hasResourceType() && id.hasIdPart()) {
        instances.requireVisible(request, requester, id.getResourceType(), id);
      }
    }
  }
}
