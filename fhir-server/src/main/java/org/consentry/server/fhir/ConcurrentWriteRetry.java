package org.consentry.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * A write by id that did not ask for a version (no {@code If-Match}) and lost a race with another
 * write of the same resource is run again, in a new database transaction, instead of being answered
 * 409: an update, patch or delete then applies to the version stored by then, as it would have if
 * it had come a moment later. (HAPI's transaction service asks this hook when a transaction fails
 * with a version conflict; without it, it never retries.) A write with {@code If-Match} keeps its
 * 409, since the client asked for a particular version; creates and transactions are left as they
 * are (a transaction's entries carry their own conditions).
 */
@Interceptor
public final class ConcurrentWriteRetry implements ServerInterceptor {

  /** Retries after the first attempt; HAPI waits a random 0 to 250 ms times the attempt between. */
  static final int MAX_RETRIES = 4;

  @Hook(Pointcut.STORAGE_VERSION_CONFLICT)
  public ResourceVersionConflictResolutionStrategy conflict(RequestDetails request) {
    ResourceVersionConflictResolutionStrategy strategy =
        new ResourceVersionConflictResolutionStrategy();
    if (retries(request)) {
      strategy.setRetry(true);
      strategy.setMaxRetries(MAX_RETRIES);
    }
    return strategy;
  }

  static boolean retries(RequestDetails request) {
    if (request == null || request.getRestOperationType() == null) {
      return false;
    }
    return switch (request.getRestOperationType()) {
      case UPDATE, PATCH, DELETE -> request.getHeader("If-Match") == null;
      default -> false;
    };
  }
}
