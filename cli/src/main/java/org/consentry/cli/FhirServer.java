package org.consentry.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Which FHIR server a command talks to: its {@code --server} option, else the environment's {@code
 * CONSENTRY_FHIR_URL}, else the server {@code ./consentry up} starts.
 */
final class FhirServer {

  static final String DEFAULT_URL = "http://127.0.0.1:8080/fhir";

  private FhirServer() {}

  /** The base URL as given ({@code --server} value or null, then the environment, the default). */
  static String named(String option, Map<String, String> env) {
    return option != null ? option : env.getOrDefault("CONSENTRY_FHIR_URL", DEFAULT_URL);
  }

  /** The base URL, checked: an http(s) URL with a host, else a usage error. */
  static URI url(String option, Map<String, String> env) {
    return parse(named(option, env));
  }

  static URI parse(String value) {
    try {
      URI uri = new URI(value.strip());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // falls through to the usage error
    }
    throw new UsageException(
        "--server wants an http(s) URL such as " + DEFAULT_URL + ", not '" + value + "'");
  }
}
