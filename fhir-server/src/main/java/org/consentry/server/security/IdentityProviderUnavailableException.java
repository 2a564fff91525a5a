package org.consentry.server.security;

/**
 * The realm's signing keys could not be fetched, so no token can be checked: the request fails
 * closed.
 */
final class IdentityProviderUnavailableException extends RuntimeException {

  IdentityProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
