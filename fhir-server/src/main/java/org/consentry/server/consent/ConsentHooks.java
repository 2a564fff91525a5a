package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.interceptor.JpaPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The decision step on HAPI's storage hooks, for every resource that would leave the server: as
 * HAPI loads resources for a read, history, {@code $everything} or a transaction response ({@code
 * STORAGE_PREACCESS_RESOURCES}), each is decided by {@link ConsentEnforcement}, and a hidden one is
 * dropped before it is counted or returned (a read of it answers 404); as it shows them ({@code
 * STORAGE_PRESHOW_RESOURCES}), every resource not yet decided in the request (the pages and
 * includes of a narrowed search, a later page of any search) is decided, once.
 *
 * <p>Searches and totals: a search is narrowed in the database to its requester's {@link
 * ConsentView} ({@link ConsentViewNarrowing}), and HAPI may answer it from a cached search with the
 * same narrowing (the same view). Where the view is exact, {@code Bundle.total} and {@code
 * _summary=count} are the database's count; where it is not, an asked-for count ({@code
 * _summary=count}, {@code _total=accurate}) is computed by {@link ResidualCount} and any other
 * total is removed. (HAPI's own {@code ConsentInterceptor} refuses counts, drops every total and
 * never reuses a search; this replaces it.)
 */
@Interceptor
final class ConsentHooks implements ServerInterceptor {

  private final ConsentEnforcement enforcement;
  private final ResidualCount residualCount;

  ConsentHooks(ConsentEnforcement enforcement, ResidualCount residualCount) {
    this.enforcement = enforcement;
    this.residualCount = residualCount;
  }

  /**
   * A search narrowed to its requester's view may be answered from a cached search with the same
   * parameters (so the same view): the database's matches are the same, each page is still decided
   * per resource as it is loaded, and totals are settled in {@link #totals}.
   */
  @Hook(Pointcut.STORAGE_PRECHECK_FOR_CACHED_SEARCH)
  public boolean mayUseCachedSearch(RequestDetails request) {
    return Requesters.of(request).isEmpty() || RequestState.view(request) != null;
  }

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void keepForReuseOnlyIfNarrowed(RequestDetails request, ICachedSearchDetails search) {
    if (Requesters.of(request).isPresent() && RequestState.view(request) == null) {
      search.setCannotBeReused(); // a search inside a batch: not narrowed to a view
    }
  }

  /**
   * As HAPI loads resources: a read, history, {@code $everything}, a search that was not narrowed
   * (inside a batch). A narrowed search's bulk check is skipped: HAPI would load every match of the
   * search to offer it here, while the database already applied the view; its resources are decided
   * as they are shown ({@link #decideShown}), page by page.
   *
   * <p>Nor is anything decided while a search's later pass loads results for a page ({@code
   * _getpages}): HAPI drops what is refused there from the search itself, its stored results and
   * its total, and that search is shared by every requester with the same view for as long as HAPI
   * reuses it. A patient's Consent while one requester pages would then shrink the search for all
   * who reuse it after the patient allowed again. The page's resources are decided as shown.
   */
  @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
  public void decideLoaded(RequestDetails request, IPreResourceAccessDetails loaded) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null
        || loaded instanceof JpaPreResourceAccessDetails
            && (RequestState.view(request) != null
                || request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE)) {
      return;
    }
    Set<IBaseResource> decided = RequestState.decided(request);
    for (int i = 0; i < loaded.size(); i++) {
      IBaseResource resource = loaded.getResource(i);
      if (resource == null) {
        continue;
      }
      decided.add(resource);
      if (enforcement.decide(request, requester, resource)) {
        continue;
      }
      if (request.getRestOperationType() == RestOperationTypeEnum.CREATE) {
        // a conditional create by a system client matched a resource it may not see: refuse,
        // without
        // returning it (HAPI cannot drop the matched resource from a create's outcome)
        throw new PreconditionFailedException(
            "the conditional create matched a resource that consent does not"
                + " let this client see; create by id, or ask the patient");
      }
      loaded.setDontReturnResourceAtIndex(i);
      RequestState.hidOne(request);
    }
  }

  /**
   * As HAPI shows resources: each stored resource not decided as it was loaded in this request (a
   * narrowed search's page and its includes, a later page of any search, whose Consents may have
   * changed since it ran) is decided, and a hidden one is removed.
   */
  @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
  public void decideShown(RequestDetails request, IPreResourceShowDetails shown) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    Set<IBaseResource> decided = RequestState.decided(request);
    for (int i = 0; i < shown.size(); i++) {
      IBaseResource resource = shown.getResource(i);
      if (resource == null || isResponseBundle(resource) || decided.contains(resource)) {
        continue;
      }
      decided.add(resource);
      if (!enforcement.decide(request, requester, resource)) {
        shown.setResource(i, null);
      }
    }
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void totals(RequestDetails request, ResponseDetails response) {
    if (!(response.getResponseResource() instanceof Bundle bundle)
        || !isResponseBundle(bundle)
        || Requesters.of(request).isEmpty()) {
      return; // a stored Bundle read as it is, or the CapabilityStatement's requests
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    boolean search = operation == RestOperationTypeEnum.SEARCH_TYPE;
    if (search
        && RequestState.view(request) != null
        && !RequestState.exactView(request)
        && ResidualCount.asked(request)) {
      bundle.setTotal(residualCount.total(request));
    } else if (!search || !RequestState.exactView(request) || RequestState.hidAny(request)) {
      clearTotals(bundle);
    }
  }

  private static void clearTotals(Bundle bundle) {
    bundle.setTotalElement(null);
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() instanceof Bundle nested && isResponseBundle(nested)) {
        clearTotals(nested);
      }
    }
  }

  private static boolean isResponseBundle(IBaseResource resource) {
    return resource instanceof Bundle bundle && !bundle.getMeta().hasVersionId();
  }
}
