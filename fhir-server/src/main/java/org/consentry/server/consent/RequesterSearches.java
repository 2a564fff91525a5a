package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A search that an operation runs for its request's requester, on the same consent path as a
 * client's own search of the type: the requester's {@link ConsentView} is added to the query (the
 * database returns only what the view admits), and HAPI runs it with the operation's request, so
 * the decision step ({@link ConsentHooks}: scopes, then the patients' Consents) decides every
 * resource as it is loaded, decryption shows only what was let through, and the audit records what
 * was shown. Hidden resources are simply absent from the answer.
 */
public final class RequesterSearches {

  private final DaoRegistry daos;
  private final ServerSearches searches;
  private final ConsentViews views;
  private final ConsentCache cache;

  RequesterSearches(
      DaoRegistry daos, ServerSearches searches, ConsentViews views, ConsentCache cache) {
    this.daos = daos;
    this.searches = searches;
    this.views = views;
    this.cache = cache;
  }

  /**
   * The resources of {@code type?parameters} that the request's requester may see, at most {@code
   * limit + 1} of them (so the caller can tell it went over).
   *
   * @throws IllegalStateException if the request has no requester (never run a search as the server
   *     through this)
   */
  public List<IBaseResource> search(
      RequestDetails request, String type, Map<String, String[]> parameters, int limit) {
    Requester requester =
        Requesters.of(request)
            .orElseThrow(() -> new IllegalStateException("a requester's search without one"));
    Map<String, String[]> narrowed = new LinkedHashMap<>(parameters);
    ConsentView view =
        views.view(
            requester,
            type,
            RequestState.generation(request, cache),
            RequestState.labelsGeneration(request));
    view.parameters().forEach((name, value) -> narrowed.merge(name, new String[] {value}, and()));
    SearchParameterMap query = searches.query(type, narrowed, Set.of());
    query.setLoadSynchronous(true);
    query.setLoadSynchronousUpTo(limit + 1);
    // by range, not getAllResources(): HAPI turns a search asynchronous under some request headers
    // (Cache-Control), and an asynchronous result has no size until it is paged
    return daos.getResourceDao(type).search(query, request).getResources(0, limit + 1);
  }

  private static java.util.function.BinaryOperator<String[]> and() {
    return (existing, added) -> {
      String[] all = Arrays.copyOf(existing, existing.length + added.length);
      System.arraycopy(added, 0, all, existing.length, added.length);
      return all;
    };
  }
}
