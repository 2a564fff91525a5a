package org.consentry.bench.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One hostile request, as sent: the method, the target (path and query after the FHIR base, raw
 * bytes as they go on the request line), headers other than {@code Authorization}, and the body.
 * The requester's token is added when it is sent, so a request can be replayed as anyone.
 *
 * <p>The target holds printable ASCII only, without space or {@code #}: anything else is
 * percent-encoded by the generators ({@link Encoding#sanitize}), so that curl sends exactly the
 * same request line.
 *
 * @param kind the generator that made it (query, body, bundle, path, page), for the report
 */
record FuzzRequest(String kind, String method, String target, List<Header> headers, byte[] body) {

  /** Path segments that are names, not ids: kept in {@link #shape()}. */
  private static final Set<String> NAMED =
      Set.of(
          "_history",
          "_search",
          "metadata",
          "api-docs",
          "swagger-ui",
          ".well-known",
          "smart-configuration",
          "*");

  /** One request header. */
  record Header(String name, String value) {}

  FuzzRequest {
    if (!target.isEmpty() && target.charAt(0) != '/' && target.charAt(0) != '?') {
      throw new IllegalArgumentException("target must start with / or ?: " + target);
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '#') {
        throw new IllegalArgumentException(
            "target holds a character curl would not send as is: " + (int) c);
      }
    }
    headers = List.copyOf(headers);
    body = body == null ? null : body.clone();
  }

  static FuzzRequest of(String kind, String method, String target) {
    return new FuzzRequest(kind, method, target, List.of(), null);
  }

  FuzzRequest withTarget(String newTarget) {
    return new FuzzRequest(kind, method, newTarget, headers, body);
  }

  FuzzRequest withBody(byte[] newBody) {
    return new FuzzRequest(kind, method, target, headers, newBody);
  }

  FuzzRequest withHeaders(List<Header> newHeaders) {
    return new FuzzRequest(kind, method, target, newHeaders, body);
  }

  FuzzRequest withHeader(String name, String value) {
    List<Header> all = new ArrayList<>(headers);
    all.add(new Header(name, value));
    return withHeaders(all);
  }

  String header(String name) {
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(name)) {
        return header.value();
      }
    }
    return null;
  }

  /** The path without its query, with ids replaced, e.g. {@code GET /Patient/{id}/$everything}. */
  String shape() {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    StringBuilder out = new StringBuilder(method).append(' ');
    String[] segments = path.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      boolean keep =
          i == 1 && s.matches("[A-Z][A-Za-z]{1,40}")
              || s.startsWith("$") && s.length() < 40
              || s.isEmpty()
              || NAMED.contains(s);
      out.append('/').append(keep ? s : "{x}");
    }
    return path.isEmpty() ? method + " /" : out.toString();
  }

  /** Everything the requester put in the request, for telling an echo from a leak. */
  String sentText() {
    StringBuilder text = new StringBuilder(Encoding.decodeLeniently(target));
    headers.forEach(h -> text.append('\n').append(h.name()).append(": ").append(h.value()));
    if (body != null) {
      String decoded = new String(body, StandardCharsets.UTF_8);
      text.append('\n').append(decoded).append('\n').append(Encoding.decodeLeniently(decoded));
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return method + " " + target + (body == null ? "" : " (" + body.length + " bytes)");
  }
}
