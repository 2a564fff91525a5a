package org.consentry.cli.imports;

/**
 * Talks to one FHIR server base URL. The seam between the importer and the network: tests put an
 * in-memory server behind it.
 *
 * <p>Both methods return whatever HTTP status the server answered, errors included. They throw
 * {@link ServerUnavailableException} when no answer arrives at all (connection refused, reset or
 * timed out).
 */
public interface FhirSender {

  /** POSTs a transaction or batch {@code Bundle} (JSON) to the base URL. */
  FhirResponse postBundle(String bundleJson);

  /** GETs a path relative to the base URL, such as {@code metadata}. */
  FhirResponse get(String relativePath);

  /** The base URL, for messages. */
  String baseUrl();
}
