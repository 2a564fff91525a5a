package org.consentry.cli.simulate;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import org.consentry.cli.imports.FhirResponse;
import org.consentry.cli.imports.HttpFhirSender;

/**
 * The simulator's side of the FHIR API: {@link HttpFhirSender}s with a bearer token, and a fresh
 * token (and sender) when the server answers 401, since a run may outlast a token.
 */
public final class FhirConnection {

  /** No token could be had; the message says why in one line. */
  public static final class TokenUnavailable extends RuntimeException {
    public TokenUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  private static final String NDJSON = "application/x-ndjson";

  private final URI base;
  private final Supplier<String> tokens;
  private final Duration timeout;
  private volatile HttpFhirSender sender;

  /**
   * @param tokens gives a fresh access token each time it is asked (or the same one, if fixed); may
   *     throw {@link TokenUnavailable}
   */
  public FhirConnection(URI base, Supplier<String> tokens, Duration timeout) {
    this.base = base;
    this.tokens = tokens;
    this.timeout = timeout;
    this.sender = new HttpFhirSender(base, tokens.get(), timeout);
  }

  public String baseUrl() {
    return sender.baseUrl();
  }

  /** POSTs a transaction or batch Bundle. */
  public FhirResponse transaction(String bundleJson) {
    HttpFhirSender used = sender;
    FhirResponse response = used.post("", bundleJson);
    return response.status() == 401 ? renewed(used).post("", bundleJson) : response;
  }

  /** POSTs NDJSON measurements to {@code Observation/$ingest-measurements}. */
  public FhirResponse ingest(String ndjson) {
    HttpFhirSender used = sender;
    String path = "Observation/$ingest-measurements";
    FhirResponse response = used.post(path, ndjson, NDJSON);
    return response.status() == 401 ? renewed(used).post(path, ndjson, NDJSON) : response;
  }

  /** A sender with a fresh token, unless another thread renewed it since {@code used} was taken. */
  private synchronized HttpFhirSender renewed(HttpFhirSender used) {
    if (sender == used) {
      sender = new HttpFhirSender(base, tokens.get(), timeout);
    }
    return sender;
  }
}
