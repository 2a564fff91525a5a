package org.consentry.server.door;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * A write whose ids the server chose, not the client: an operation that has already checked that
 * every resource it writes belongs to its requester (a patient's own measurement windows, whose ids
 * are derived from the patient, device, code and hour) marks its request, so that a patient's token
 * may create those resources by id ({@link WriteTargets} otherwise allows that to system clients
 * only, so that a client cannot probe ids). Clients cannot set the mark: it lives in the request's
 * server-side user data. Scopes, consent and write-reference checks still apply to every resource.
 */
public final class ServerChosenIds {

  private static final String MARK = ServerChosenIds.class.getName();

  private ServerChosenIds() {}

  /** Marks the request: the ids it writes were chosen by the server. */
  public static void mark(RequestDetails request) {
    request.getUserData().put(MARK, Boolean.TRUE);
  }

  static boolean marked(RequestDetails request) {
    return request != null && Boolean.TRUE.equals(request.getUserData().get(MARK));
  }
}
