package org.consentry.bench.soak;

/**
 * The soak cannot go on (setup failed, Keycloak or the launcher refused): one line for the user.
 */
final class SoakException extends RuntimeException {

  SoakException(String message) {
    super(message);
  }
}
