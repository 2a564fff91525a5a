package org.consentry.cli.identity;

/** Keycloak refused a change, or cannot be reached; the message says which and what to check. */
public final class ProvisioningException extends RuntimeException {

  public ProvisioningException(String message) {
    super(message);
  }

  public ProvisioningException(String message, Throwable cause) {
    super(message, cause);
  }
}
