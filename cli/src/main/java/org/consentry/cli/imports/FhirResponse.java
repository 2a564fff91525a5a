package org.consentry.cli.imports;

/**
 * What a FHIR server answered.
 *
 * @param status the HTTP status code
 * @param body the response body as text (an OperationOutcome or a Bundle when the server is a FHIR
 *     server), never null
 */
public record FhirResponse(int status, String body) {

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }
}
