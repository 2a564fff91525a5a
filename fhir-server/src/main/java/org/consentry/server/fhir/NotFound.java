package org.consentry.server.fhir;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The one answer for a resource the requester cannot have: missing, deleted and hidden by consent
 * or scope all get this 404, with the same body, so that no answer tells them apart. Every path
 * that refuses a resource for visibility throws this (never HAPI's own not-found or gone
 * exceptions, whose messages differ by cause).
 */
public final class NotFound {

  private NotFound() {}

  /**
   * The 404 for {@code Type/id} (the version, if any, is dropped: the answer is about the
   * resource).
   */
  public static ResourceNotFoundException of(IIdType id) {
    return of(id.getResourceType(), id.getIdPart());
  }

  public static ResourceNotFoundException of(String resourceType, String idPart) {
    return new ResourceNotFoundException(message(resourceType, idPart));
  }

  /** The diagnostics of the 404, for answers that are built rather than thrown (batch entries). */
  public static String message(String resourceType, String idPart) {
    return "Resource " + resourceType + "/" + idPart + " is not known";
  }
}
