package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Decision;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** What consent enforcement remembers during one request, kept in the request's user data. */
final class RequestState {

  private static final String GENERATION = RequestState.class.getName() + ".generation";
  private static final String EMERGENCY = RequestState.class.getName() + ".emergency";
  private static final String BY_CONSENT = RequestState.class.getName() + ".byConsent";
  private static final String VIEW = RequestState.class.getName() + ".view";
  private static final String HID = RequestState.class.getName() + ".hid";
  private static final String SENT = RequestState.class.getName() + ".sent";
  private static final String DECIDED = RequestState.class.getName() + ".decided";
  private static final String NARROWED = RequestState.class.getName() + ".narrowed";

  private RequestState() {}

  /**
   * The consent generation of this request: read from the database once per request, with the other
   * nodes' changes at its start ({@link NodeSync}).
   */
  static long generation(RequestDetails request, ConsentCache cache) {
    Object known = request.getUserData().get(GENERATION);
    if (known instanceof Long generation) {
      return generation;
    }
    Generations.Snapshot atStart = NodeSync.of(request);
    long generation =
        atStart != null ? atStart.of(Generations.Topic.CONSENT) : cache.currentGeneration();
    request.getUserData().put(GENERATION, generation);
    return generation;
  }

  /**
   * The {@code TYPE_LABELS} generation the request read at its start ({@link NodeSync}), or null
   * (then consent views keep every label).
   */
  static Long labelsGeneration(RequestDetails request) {
    Generations.Snapshot atStart = NodeSync.of(request);
    return atStart == null ? null : atStart.of(Generations.Topic.TYPE_LABELS);
  }

  private static final String OWNERS = RequestState.class.getName() + ".owners";

  /** The owners of a resource, computed once per request and resource instance. */
  @SuppressWarnings("unchecked")
  static Set<String> owners(
      RequestDetails request, IBaseResource resource, PatientCompartment compartment) {
    if (request == null) {
      return compartment.owners(resource);
    }
    Map<IBaseResource, Set<String>> known =
        (Map<IBaseResource, Set<String>>)
            request.getUserData().computeIfAbsent(OWNERS, k -> new java.util.IdentityHashMap<>());
    return known.computeIfAbsent(resource, compartment::owners);
  }

  /**
   * Forgets the owners computed so far in the request (for a request that outlives its resources).
   */
  static void forgetOwners(RequestDetails request) {
    request.getUserData().remove(OWNERS);
  }

  /** The owners computed for this resource instance during the request, or null. */
  @SuppressWarnings("unchecked")
  static Set<String> knownOwners(RequestDetails request, IBaseResource resource) {
    Object known = request.getUserData().get(OWNERS);
    return known instanceof Map<?, ?> map
        ? ((Map<IBaseResource, Set<String>>) map).get(resource)
        : null;
  }

  /** A patient's Consent decided for this request (permit or deny), for the audit trail. */
  static void decidedByConsent(RequestDetails request, String patientId, Decision decision) {
    byConsent(request)
        .computeIfAbsent(patientId, k -> new java.util.LinkedHashSet<>())
        .add(decision);
  }

  /** The decisions patients' Consents made during this request, by patient. */
  @SuppressWarnings("unchecked")
  static Map<String, java.util.Set<Decision>> byConsent(RequestDetails request) {
    return (Map<String, java.util.Set<Decision>>)
        request.getUserData().computeIfAbsent(BY_CONSENT, k -> new LinkedHashMap<>());
  }

  static void emergency(RequestDetails request, String patientId, Decision decision) {
    emergencies(request).putIfAbsent(patientId, decision);
  }

  /**
   * Patients whose data this request reached through emergency access, with the overriding
   * decision.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Decision> emergencies(RequestDetails request) {
    return (Map<String, Decision>)
        request.getUserData().computeIfAbsent(EMERGENCY, k -> new LinkedHashMap<>());
  }

  /** The consent view this search was narrowed with. */
  static void view(RequestDetails request, ConsentView view) {
    request.getUserData().put(VIEW, view);
  }

  static ConsentView view(RequestDetails request) {
    return request.getUserData().get(VIEW) instanceof ConsentView view ? view : null;
  }

  /**
   * Whether this request is a search narrowed in the database to exactly what its requester may
   * see.
   */
  static boolean exactView(RequestDetails request) {
    ConsentView view = view(request);
    return view != null && view.exact();
  }

  /** A resource was hidden as it was loaded or shown. */
  static void hidOne(RequestDetails request) {
    request.getUserData().put(HID, Boolean.TRUE);
  }

  static boolean hidAny(RequestDetails request) {
    return Boolean.TRUE.equals(request.getUserData().get(HID));
  }

  /**
   * The parameters the client sent, and those the search ran with (chains resolved, the view
   * added).
   */
  static void parameters(
      RequestDetails request, Map<String, String[]> sent, Map<String, String[]> narrowed) {
    request.getUserData().put(SENT, sent == null ? Map.of() : sent);
    request.getUserData().put(NARROWED, narrowed);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String[]> sentParameters(RequestDetails request) {
    return (Map<String, String[]>) request.getUserData().get(SENT);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String[]> narrowedParameters(RequestDetails request) {
    Object narrowed = request.getUserData().get(NARROWED);
    return narrowed != null ? (Map<String, String[]>) narrowed : request.getParameters();
  }

  /** The resources decided in this request (by identity), so that none is decided twice. */
  @SuppressWarnings("unchecked")
  static java.util.Set<org.hl7.fhir.instance.model.api.IBaseResource> decided(
      RequestDetails request) {
    return (java.util.Set<org.hl7.fhir.instance.model.api.IBaseResource>)
        request
            .getUserData()
            .computeIfAbsent(
                DECIDED,
                k -> java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  }
}
