package org.consentry.deid.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Pseudonymizes the id inside a reference, so that a reference and the id of the resource it points
 * to become the same pseudonym and the exported graph stays linked:
 *
 * <ul>
 *   <li>{@code [base/]Type/id[/_history/v]}: the id is replaced, the rest kept;
 *   <li>{@code #id} (contained), {@code urn:uuid:id}: the id is replaced;
 *   <li>{@code urn:oid:o}: becomes {@code urn:oid:2.25.<pseudonym as integer>};
 *   <li>{@code Type?identifier=system|value} (a conditional reference) and the query of {@code
 *       Bundle.entry.request.ifNoneExist}: each identifier value (and {@code _id}) is replaced by
 *       its pseudonym, which is also what {@code Identifier.value} becomes under cryptoHash, so the
 *       condition still finds the exported resource. A query with any other parameter cannot be
 *       kept: null (remove);
 *   <li>a bare resource type ({@code Patient}, a POST's request URL) is kept;
 *   <li>anything else is replaced whole by its pseudonym.
 * </ul>
 */
final class References {

  private static final Set<String> RESOURCE_TYPES = Shape.context().getResourceTypes();
  private static final String HISTORY = "/_history/";

  private References() {}

  /** The reference with its ids pseudonymized; null if it cannot be kept. */
  static String rewrite(String reference, Keys.Session keys) {
    if (reference.isEmpty()) {
      return reference;
    }
    if (reference.charAt(0) == '#') {
      return reference.length() == 1 ? reference : "#" + keys.pseudonym(reference.substring(1));
    }
    if (reference.startsWith("urn:uuid:")) {
      return "urn:uuid:" + keys.pseudonym(reference.substring(9));
    }
    if (reference.startsWith("urn:oid:")) {
      return "urn:oid:" + keys.oidPseudonym(reference.substring(8));
    }
    int query = reference.indexOf('?');
    if (query >= 0) {
      String rewritten = rewriteQuery(reference.substring(query + 1), keys);
      return rewritten == null ? null : reference.substring(0, query + 1) + rewritten;
    }
    if (RESOURCE_TYPES.contains(reference)) {
      return reference;
    }
    String literal = rewriteLiteral(reference, keys);
    return literal != null ? literal : keys.pseudonym(reference);
  }

  /**
   * A search query ({@code identifier=s|v&_id=x}) with identifier values and ids pseudonymized;
   * null if it has another parameter.
   */
  static String rewriteQuery(String query, Keys.Session keys) {
    StringBuilder out = new StringBuilder(query.length() + 32);
    for (String parameter : query.split("&", -1)) {
      int equals = parameter.indexOf('=');
      if (equals <= 0) {
        return null;
      }
      String name = parameter.substring(0, equals);
      String base = name.indexOf(':') < 0 ? name : name.substring(0, name.indexOf(':'));
      if (!base.equals("identifier") && !base.equals("_id")) {
        return null;
      }
      String value = parameter.substring(equals + 1);
      if (value.indexOf('%') >= 0) {
        value = URLDecoder.decode(value, StandardCharsets.UTF_8);
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(name).append('=');
      String[] alternatives = value.split(",", -1);
      for (int i = 0; i < alternatives.length; i++) {
        String token = alternatives[i];
        int bar = token.lastIndexOf('|');
        if (i > 0) {
          out.append(',');
        }
        if (bar >= 0) {
          out.append(token, 0, bar + 1).append(keys.pseudonym(token.substring(bar + 1)));
        } else {
          out.append(keys.pseudonym(token));
        }
      }
    }
    return out.toString();
  }

  private static String rewriteLiteral(String reference, Keys.Session keys) {
    String suffix = "";
    String body = reference;
    int history = reference.indexOf(HISTORY);
    if (history >= 0) {
      suffix = reference.substring(history);
      body = reference.substring(0, history);
    }
    int slash = body.lastIndexOf('/');
    if (slash <= 0 || slash == body.length() - 1) {
      return null;
    }
    int typeStart = body.lastIndexOf('/', slash - 1) + 1;
    String type = body.substring(typeStart, slash);
    String id = body.substring(slash + 1);
    if (!RESOURCE_TYPES.contains(type)) {
      return null;
    }
    return body.substring(0, slash + 1) + keys.pseudonym(id) + suffix;
  }
}
