package org.consentry.cli.imports;

/**
 * The FHIR server did not answer at all: it is not running, not reachable, or stopped answering.
 */
public class ServerUnavailableException extends RuntimeException {

  private final String baseUrl;

  public ServerUnavailableException(String baseUrl, String detail) {
    super("the FHIR server at " + baseUrl + " is not answering (" + detail + ")");
    this.baseUrl = baseUrl;
  }

  public String baseUrl() {
    return baseUrl;
  }
}
