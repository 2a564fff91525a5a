package org.consentry.bench.fuzz;

/**
 * The fuzz run cannot go on (no token, no server, bad options); the message says why in one line.
 */
final class FuzzException extends RuntimeException {

  FuzzException(String message) {
    super(message);
  }
}
