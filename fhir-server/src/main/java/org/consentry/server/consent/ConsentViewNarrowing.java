package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.consentry.consent.Requester;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.consentry.server.security.Subscribers;

/**
 * Consent as part of the search: before HAPI turns a type search's parameters into its query (and
 * into the key of its search cache), chained parameters and {@code _has} are resolved through what
 * the requester may see ({@link LinkedSearches}), then the requester's {@link ConsentView} of the
 * type is added as parameters on the owner indexes. The database then pages and counts only what
 * the view admits, and requesters with the same view share cached searches. What the view cannot
 * express is still decided per resource ({@link ConsentHooks}).
 *
 * <p>A search its own parameters limit to a few patients ({@link PatientScope}: {@code
 * Observation?patient=X}, {@code Patient?_id=X,Y}) gets the view restricted to those patients and
 * to the other owners of their resources of the type ({@link CoOwners}): every match belongs only
 * to them, so the restricted view admits exactly what the whole view would, while its size, and the
 * cost of the query, no longer grow with the number of patients who have Consents. It is still the
 * key of HAPI's search cache: it decides all that the query admits, so requesters whose whole views
 * differ but whose restricted views are the same may share a cached search; and it changes with any
 * Consent of those owners (a new generation recomputes the whole view it is taken from).
 */
@Interceptor
final class ConsentViewNarrowing implements ServerInterceptor {

  private final ConsentViews views;
  private final ConsentCache cache;
  private final LinkedSearches linked;
  private final PatientScope scope;
  private final CoOwners coOwners;

  ConsentViewNarrowing(
      ConsentViews views,
      ConsentCache cache,
      LinkedSearches linked,
      PatientScope scope,
      CoOwners coOwners) {
    this.views = views;
    this.cache = cache;
    this.linked = linked;
    this.scope = scope;
    this.coOwners = coOwners;
  }

  /**
   * After the door admitted the search, before HAPI binds its parameters (which it does before
   * PRE_HANDLED).
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean narrow(RequestDetails request) {
    narrow(request, request.getRestOperationType());
    return true;
  }

  private void narrow(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    Map<String, String[]> parameters =
        new LinkedHashMap<>(request.getParameters() == null ? Map.of() : request.getParameters());
    linked.resolve(request, requester, request.getResourceName(), parameters);
    ConsentView view =
        restricted(
            views.view(
                requester,
                request.getResourceName(),
                RequestState.generation(request, cache),
                RequestState.labelsGeneration(request)),
            request.getResourceName(),
            parameters,
            coOwnersGeneration(request));
    view.parameters()
        .forEach(
            (name, value) ->
                parameters.merge(name, new String[] {value}, ConsentViewNarrowing::and));
    if ("Subscription".equals(request.getResourceName())) {
      // Subscriptions are their subscriber's: the database finds the requester's own only
      parameters.merge(
          "_tag", new String[] {Subscribers.searchTag(requester)}, ConsentViewNarrowing::and);
    }
    RequestState.view(request, view);
    RequestState.parameters(request, request.getParameters(), parameters);
    request.setParameters(parameters);
  }

  /**
   * The view restricted to the patients the search is limited to and the other owners of their
   * resources, when that drops anything; otherwise the whole view.
   */
  private ConsentView restricted(
      ConsentView view, String type, Map<String, String[]> parameters, Long generation) {
    Set<String> patients = scope.patients(type, parameters).orElse(null);
    if (patients == null || !view.namesOthers(patients)) {
      return view;
    }
    Set<String> others = coOwners.of(type, patients, generation).orElse(null);
    if (others == null) {
      return view;
    }
    Set<String> owners = new TreeSet<>(patients);
    owners.addAll(others);
    return view.restrictedTo(owners);
  }

  /**
   * HAPI has bound the narrowed parameters by now; the request gets back the ones the client sent,
   * so that the links of the answer show the client's own search, never the view (which names other
   * patients).
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void restore(RequestDetails request) {
    Map<String, String[]> sent = RequestState.sentParameters(request);
    if (sent != null) {
      request.setParameters(new LinkedHashMap<>(sent)); // HAPI edits them when it answers an error
    }
  }

  /** The co-owner generation the request read at its start ({@link NodeSync}), or null. */
  private static Long coOwnersGeneration(RequestDetails request) {
    Generations.Snapshot snapshot = NodeSync.of(request);
    return snapshot == null ? null : snapshot.of(Generations.Topic.CO_OWNERS);
  }

  /** Repeating a parameter name ANDs its values. */
  private static String[] and(String[] existing, String[] added) {
    String[] all = Arrays.copyOf(existing, existing.length + added.length);
    System.arraycopy(added, 0, all, existing.length, added.length);
    return all;
  }
}
