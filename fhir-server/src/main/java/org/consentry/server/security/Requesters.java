package org.consentry.server.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.consentry.consent.Requester;

/**
 * Where the {@link Requester} of a request lives: a request attribute set by {@link
 * BearerTokenFilter}.
 */
public final class Requesters {

  static final String ATTRIBUTE = Requester.class.getName();
  private static final String USERNAME = Requesters.class.getName() + ".username";

  private Requesters() {}

  /**
   * The requester of a REST request, or empty for work the server does itself (start-up, background
   * jobs), which runs without an HTTP request.
   *
   * @throws AuthenticationException (401) for an HTTP request that reached HAPI without one, which
   *     would be a wiring fault: fail closed
   */
  public static Optional<Requester> of(RequestDetails request) {
    if (!(request instanceof ServletRequestDetails servlet)
        || servlet.getServletRequest() == null) {
      return request == null
          ? Optional.empty()
          : Optional.ofNullable((Requester) request.getUserData().get(ATTRIBUTE));
    }
    if (request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
      // the CapabilityStatement is open to all and holds no patient data
      return Optional.empty();
    }
    Object requester = servlet.getServletRequest().getAttribute(ATTRIBUTE);
    if (requester instanceof Requester r) {
      return Optional.of(r);
    }
    throw new AuthenticationException("no authenticated requester on this request");
  }

  /**
   * Work the server does on someone's behalf without an HTTP request (a bulk export job) carries
   * that requester on its internal request details, so consent decides for them.
   */
  public static void setOnInternalRequest(RequestDetails request, Requester requester) {
    request.getUserData().put(ATTRIBUTE, requester);
  }

  /**
   * Narrows whom an HTTP request acts as, for the rest of it: a research export acts as its
   * researcher for research, for one study only. The subject stays the token's (the export is still
   * that requester's, to poll and download).
   *
   * @throws IllegalArgumentException if the subject differs from the token's requester
   */
  public static void actFor(ServletRequestDetails request, Requester narrowed) {
    Requester current = of(request).orElseThrow();
    if (!current.subject().equals(narrowed.subject())) {
      throw new IllegalArgumentException("a request may only act as its own subject");
    }
    set(request.getServletRequest(), narrowed);
  }

  static void set(HttpServletRequest request, Requester requester) {
    request.setAttribute(ATTRIBUTE, requester);
  }

  static void setUsername(HttpServletRequest request, String username) {
    if (username != null && !username.isBlank()) {
      request.setAttribute(USERNAME, username);
    }
  }

  /**
   * The user name the identity provider gave the requester ({@code preferred_username}), for the
   * places that name people as the identity provider knows them (a study's researchers); empty for
   * a client or a token without it. Never used for consent decisions.
   */
  public static Optional<String> username(RequestDetails request) {
    if (request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null) {
      return Optional.ofNullable((String) servlet.getServletRequest().getAttribute(USERNAME));
    }
    return Optional.empty();
  }
}
