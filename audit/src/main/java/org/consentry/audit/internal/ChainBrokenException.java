package org.consentry.audit.internal;

/**
 * The stored chain does not match its signed head: the writer will not continue a chain it cannot
 * vouch for. The message says what was found and what to do.
 */
public final class ChainBrokenException extends Exception {

  private static final long serialVersionUID = 1L;

  public ChainBrokenException(String message) {
    super(message);
  }
}
