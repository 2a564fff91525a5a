package org.consentry.bench.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the server answered: status (-1 when it did not answer, and {@code failure} says why),
 * headers by lower-case name, and the body (at most {@link RawHttp#MAX_BODY} bytes; {@code
 * truncated} if there was more).
 */
record Response(
    int status,
    Map<String, String> headers,
    byte[] body,
    boolean truncated,
    String failure,
    long millis) {

  Response {
    headers = Map.copyOf(headers);
  }

  static Response noAnswer(String why, long millis) {
    return new Response(-1, Map.of(), new byte[0], false, why, millis);
  }

  Response withMillis(long elapsed) {
    return new Response(status, headers, body, truncated, failure, elapsed);
  }

  boolean answered() {
    return status > 0;
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** {@code 2xx}, {@code 4xx}, ... or {@code none}. */
  String statusClass() {
    return answered() ? status / 100 + "xx" : "none";
  }
}
