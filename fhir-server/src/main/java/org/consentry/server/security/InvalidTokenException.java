package org.consentry.server.security;

/**
 * The access token is missing, malformed, not signed by the realm, expired or not for this server.
 */
final class InvalidTokenException extends Exception {

  InvalidTokenException(String message) {
    super(message);
  }

  InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
