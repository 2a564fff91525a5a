package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.fhir.ServerReader;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * Writes reveal nothing: a resource written by anyone but a system client (create, update, patch,
 * and the entries of transactions and batches) may reference only resources that the writer may
 * see, as the decision step ({@link ConsentEnforcement#decide}) answers.
 *
 * <ul>
 *   <li>A reference to a missing, deleted or hidden resource is refused with the same 400 and the
 *       same body ({@link #refusal}). HAPI's own referential-integrity check answers only for
 *       missing targets, so it would tell them apart; it runs while the resource is stored, after
 *       every {@code STORAGE_PRESTORAGE_*} hook ({@code
 *       BaseHapiFhirResourceDao.doCreateForPostOrPut} and {@code BaseHapiFhirDao.updateInternal}
 *       call the hooks, then {@code updateEntity}, which resolves and checks references), so this
 *       check, on those hooks, always answers first. Its order ({@link #ORDER}) puts it after the
 *       scope and Consent-writer rules (whose 403s do not depend on what exists) and before
 *       encryption, which would answer differently for an erased patient.
 *   <li>Fine without a look-up: references inside the same transaction ({@code urn:uuid:}, an
 *       entry's {@code fullUrl}, a PUT entry's id, anything this request already wrote), contained
 *       resources ({@code #x}), the writer's own patient record, the resource itself. Absolute URLs
 *       and malformed references are left to HAPI, which refuses them whatever exists; a type this
 *       server does not store gets the refusal above.
 *   <li>Conditional references ({@code Patient?identifier=...}) run a search over data the writer
 *       may not see, and HAPI resolves those of a transaction before storing any entry: they are
 *       refused with 400 as the request arrives, and again as each resource is stored (a patch can
 *       introduce one). System clients keep both (the importer relies on them).
 * </ul>
 */
@Interceptor
final class WriteReferenceRules implements ServerInterceptor {

  /** After the scope and Consent-writer rules (0), before encryption (100). */
  static final int ORDER = 50;

  private static final String IN_TRANSACTION =
      WriteReferenceRules.class.getName() + ".inTransaction";
  private static final Set<RestOperationTypeEnum> WRITES =
      Set.of(
          RestOperationTypeEnum.CREATE,
          RestOperationTypeEnum.UPDATE,
          RestOperationTypeEnum.TRANSACTION,
          RestOperationTypeEnum.BATCH);

  private final FhirContext fhir;
  private final ServerReader reader;
  private final ConsentEnforcement enforcement;

  WriteReferenceRules(FhirContext fhir, ServerReader reader, ConsentEnforcement enforcement) {
    this.fhir = fhir;
    this.reader = reader;
    this.enforcement = enforcement;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void refuseConditionalReferences(RequestDetails request, RestOperationTypeEnum operation) {
    if (!WRITES.contains(operation) || writer(request) == null || request.getResource() == null) {
      return;
    }
    IBaseResource body = request.getResource();
    boolean bundled =
        operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH;
    if (bundled && body instanceof Bundle bundle) {
      Set<String> defined = new HashSet<>();
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.hasResource()) {
          refuseConditional(entry.getResource());
          if (operation == RestOperationTypeEnum.TRANSACTION) {
            defined.addAll(definedBy(entry));
          }
        }
      }
      request.getUserData().put(IN_TRANSACTION, defined);
    } else {
      refuseConditional(body);
    }
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void checkCreated(IBaseResource resource, RequestDetails request) {
    check(request, resource);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void checkUpdated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(request, resource);
  }

  private void check(RequestDetails request, IBaseResource resource) {
    Requester requester = writer(request);
    if (requester == null) {
      return;
    }
    Set<String> known = known(request);
    IIdType self = resource.getIdElement();
    if (self.hasIdPart()) {
      known.add(fhir.getResourceType(resource) + "/" + self.getIdPart());
    }
    Map<IIdType, String> toDecide = new LinkedHashMap<>(); // target: the path that names it
    for (ResourceReferenceInfo info : fhir.newTerser().getAllResourceReferences(resource)) {
      String value = info.getResourceReference().getReferenceElement().getValue();
      if (value == null || value.isBlank() || value.startsWith("#") || value.startsWith("urn:")) {
        continue;
      }
      if (value.contains("?")) {
        throw conditional();
      }
      IIdType target = new IdType(value);
      if (target.hasBaseUrl() || !target.hasResourceType() || !target.hasIdPart()) {
        continue;
      }
      String id = target.getResourceType() + "/" + target.getIdPart();
      if (known.contains(id)
          || "Patient".equals(target.getResourceType())
              && requester.isPatient(target.getIdPart())) {
        continue;
      }
      toDecide.putIfAbsent(
          target.toUnqualifiedVersionless(), fhir.getResourceType(resource) + "." + info.getName());
    }
    if (toDecide.isEmpty()) {
      return;
    }
    // the targets read at once, then decided in the order the resource names them
    Map<String, IBaseResource> stored = reader.readAll(toDecide.keySet());
    for (Map.Entry<IIdType, String> target : toDecide.entrySet()) {
      String id = target.getKey().getResourceType() + "/" + target.getKey().getIdPart();
      IBaseResource found = stored.get(id);
      if (found == null || !enforcement.decide(request, requester, found)) {
        throw refusal(target.getKey(), target.getValue());
      }
      known.add(id);
    }
  }

  /** The one answer for a reference to a resource that is missing, deleted or hidden. */
  static InvalidRequestException refusal(IIdType target, String path) {
    return new InvalidRequestException(
        "Invalid reference at "
            + path
            + ": "
            + NotFound.message(target.getResourceType(), target.getIdPart()));
  }

  private void refuseConditional(IBaseResource resource) {
    for (ResourceReferenceInfo info : fhir.newTerser().getAllResourceReferences(resource)) {
      String value = info.getResourceReference().getReferenceElement().getValue();
      if (value != null && value.contains("?")) {
        throw conditional();
      }
    }
  }

  private static InvalidRequestException conditional() {
    return new InvalidRequestException(
        "conditional references (Type?search) are for system clients: their search"
            + " could test data that patients' consent hides; reference the resource by its id instead");
  }

  /**
   * The ids an entry of a transaction writes or stands for, which other entries may reference
   * before it is stored.
   */
  private static Set<String> definedBy(Bundle.BundleEntryComponent entry) {
    Set<String> ids = new HashSet<>();
    if (entry.hasFullUrl() && !entry.getFullUrl().startsWith("urn:")) {
      IdType full = new IdType(entry.getFullUrl());
      if (full.hasResourceType() && full.hasIdPart()) {
        ids.add(full.getResourceType() + "/" + full.getIdPart());
      }
    }
    if (entry.getRequest().getMethod() == Bundle.HTTPVerb.PUT
        && entry.getRequest().hasUrl()
        && !entry.getRequest().getUrl().contains("?")) {
      IdType put = new IdType(entry.getRequest().getUrl());
      if (put.hasResourceType() && put.hasIdPart()) {
        ids.add(put.getResourceType() + "/" + put.getIdPart());
      }
    }
    return ids;
  }

  /**
   * What this request may reference without a look-up; grows as the request writes (kept in the
   * request's user data).
   */
  @SuppressWarnings("unchecked")
  private static Set<String> known(RequestDetails request) {
    return (Set<String>)
        request.getUserData().computeIfAbsent(IN_TRANSACTION, k -> new HashSet<String>());
  }

  /**
   * The requester of a write that must reveal nothing, or null for system clients and the server
   * itself.
   */
  private static Requester writer(RequestDetails request) {
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    return requester == null || requester.kind() == Requester.Kind.SYSTEM ? null : requester;
  }
}
