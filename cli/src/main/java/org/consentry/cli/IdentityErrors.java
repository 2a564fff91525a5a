package org.consentry.cli;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.consentry.cli.identity.KeycloakAdmin;

/** One line that says what went wrong talking to Keycloak, and what to check. */
final class IdentityErrors {

  private IdentityErrors() {}

  static String describe(RuntimeException e, KeycloakAdmin admin) {
    if (e instanceof NotAuthorizedException) {
      return "Keycloak at "
          + admin.baseUrl()
          + " refused the admin credentials of '"
          + admin.username()
          + "': check CONSENTRY_KEYCLOAK_ADMIN and CONSENTRY_KEYCLOAK_ADMIN_PASSWORD";
    }
    if (e instanceof ProcessingException) {
      return "cannot reach Keycloak at "
          + admin.baseUrl()
          + " ("
          + rootMessage(e)
          + "): start it with ./consentry up, or set CONSENTRY_KEYCLOAK_URL";
    }
    if (e instanceof WebApplicationException w) {
      return "Keycloak answered HTTP " + w.getResponse().getStatus() + ": " + rootMessage(e);
    }
    return e.getMessage();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
