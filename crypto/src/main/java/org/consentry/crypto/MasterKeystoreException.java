package org.consentry.crypto;

/**
 * The master keystore could not be created, opened or updated. The message says what to fix (for
 * example that the file is missing and how to create it, or that the passphrase is wrong) and never
 * contains the passphrase or key material.
 */
public class MasterKeystoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MasterKeystoreException(String message) {
    super(message);
  }

  public MasterKeystoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
