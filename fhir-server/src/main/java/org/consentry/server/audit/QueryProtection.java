package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.util.UrlUtil;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.consentry.crypto.BlindIndex;
import org.consentry.server.crypto.BlindIndexTokens;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;

/**
 * Keeps searched identifiers out of the audit log: the values of a query stored in an AuditEvent
 * (HAPI's query entity holds the complete URL in {@code description} and again, base64, in {@code
 * query}) pass here before the event is stored.
 *
 * <p>Default deny. A value is kept only for a parameter on the allow-list of non-identifying
 * parameters ({@link #ALLOWED}: ids, references by id, codes, dates, statuses, paging and result
 * shaping), with no modifier or a modifier that keeps it a code or a reference ({@code :not},
 * {@code :missing}, {@code :iterate}, a resource type...); {@code _has:...:P} counts as its inner
 * parameter {@code P}. Every other value is replaced by:
 *
 * <ul>
 *   <li>the blind-index token the server itself searches with, where the field has one: Patient
 *       {@code identifier} ({@code system|value} or value), {@code family}, {@code given}, {@code
 *       name} (any modifier), also chained through a patient reference ({@code
 *       subject:Patient.name=}, {@code patient.identifier=}) and {@code patient:identifier=};
 *       written {@code <blind-index system>|<token>}, one per value of an OR list;
 *   <li>otherwise an HMAC token under the same blind-index secret, domain {@code
 *       AuditEvent.query.<parameter>}, written {@value #PROTECTED}{@code <token>}.
 * </ul>
 *
 * An auditor holding the keystore can thus still tell whether a given value was searched for, by
 * computing its token; nobody else learns it. Parameter names and the path stay readable. Values
 * equal after normalization (case, width, spaces) give equal tokens, as {@link BlindIndex}.
 *
 * <p>Thread-safe. Never fails on malformed input: a part it cannot parse is protected whole.
 */
public final class QueryProtection {

  /** The prefix of a value replaced by a generic HMAC token. */
  public static final String PROTECTED = "protected:";

  /** Parameters whose values identify nobody, kept as they are. */
  public static final Set<String> ALLOWED =
      Set.of(
          "_id",
          "patient",
          "subject",
          "_count",
          "_offset",
          "_sort",
          "_include",
          "_revinclude",
          "_summary",
          "_elements",
          "_total",
          "_type",
          "_since",
          "date",
          "_lastUpdated",
          "code",
          "category",
          "status",
          "_tag",
          "_security",
          "_profile",
          "_format",
          "_pretty",
          "_outputFormat",
          "_getpages",
          "_getpagesoffset",
          "_bundletype",
          "start",
          "end");

  /** Modifiers that leave a value a code, a reference or a flag. */
  private static final Set<String> SAFE_MODIFIERS =
      Set.of("not", "missing", "above", "below", "in", "not-in", "iterate", "recurse");

  private static final Set<String> PATIENT_REFERENCES =
      Set.of("patient", "subject", "beneficiary", "individual");
  private static final Map<String, String> NAME_TOKENS =
      Map.of(
          "family",
          BlindIndexTokens.FAMILY,
          "given",
          BlindIndexTokens.GIVEN,
          "name",
          BlindIndexTokens.NAME);
  private static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

  private final BlindIndex index;
  private final BlindIndexTokens tokens;
  private final Set<String> resourceTypes = FhirContext.forR4Cached().getResourceTypes();

  /** Protection under the server's blind index (keyed by the keystore's index secret). */
  public QueryProtection(BlindIndex index) {
    this.index = Objects.requireNonNull(index, "index");
    this.tokens = new BlindIndexTokens(index);
  }

  /**
   * Rewrites, in place, every query entity of {@code event} (object-role 24 Query, or any entity
   * with a {@code query}): its description ({@code "GET <url>"}) and its base64 query. Returns the
   * event.
   */
  public AuditEvent protect(AuditEvent event) {
    for (AuditEventEntityComponent entity : event.getEntity()) {
      boolean queryRole =
          BalpConstants.CS_OBJECT_ROLE.equals(entity.getRole().getSystem())
              && BalpConstants.CS_OBJECT_ROLE_24_QUERY.equals(entity.getRole().getCode());
      if (!queryRole && !entity.hasQuery()) {
        continue;
      }
      if (entity.hasDescription()) {
        entity.setDescription(protectDescription(entity.getDescription()));
      }
      if (entity.hasQuery()) {
        String query = new String(entity.getQuery(), StandardCharsets.UTF_8);
        entity.setQuery(protectUrl(query).getBytes(StandardCharsets.UTF_8));
      }
    }
    return event;
  }

  /** {@code "GET http://h/fhir/Patient?name=x"}: the method kept, the URL protected. */
  public String protectDescription(String description) {
    int space = description.indexOf(' ');
    if (space > 0 && METHODS.contains(description.substring(0, space))) {
      return description.substring(0, space + 1) + protectUrl(description.substring(space + 1));
    }
    return protectUrl(description);
  }

  /**
   * A URL (absolute or relative, with or without parameters) with its parameter values protected;
   * the resource type searched is the path's last segment that names one.
   */
  public String protectUrl(String url) {
    int question = url.indexOf('?');
    if (question < 0) {
      return url;
    }
    String path = url.substring(0, question);
    String type = null;
    for (String segment : path.split("/")) {
      if (resourceTypes.contains(segment)) {
        type = segment;
      }
    }
    return path + "?" + protectQuery(type, url.substring(question + 1));
  }

  /**
   * A query string ({@code a=1&b=2}, URL-encoded) of a search on {@code resourceType} ({@code
   * null}: a system search), its values protected; kept values stay byte for byte.
   */
  public String protectQuery(String resourceType, String query) {
    List<String> out = new ArrayList<>();
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      if (equals < 0) {
        out.add(pair);
        continue;
      }
      String name = decode(pair.substring(0, equals));
      String value = decode(pair.substring(equals + 1));
      String protectedValue = protectValue(resourceType, name, value);
      out.add(
          protectedValue.equals(value)
              ? pair
              : pair.substring(0, equals + 1) + UrlUtil.escapeUrlParam(protectedValue));
    }
    return String.join("&", out);
  }

  /** The stored form of one parameter's value (decoded), for a search on {@code resourceType}. */
  public String protectValue(String resourceType, String name, String value) {
    if (name.startsWith("_has:")) {
      String[] parts = name.split(":");
      String inner = parts[parts.length - 1];
      return keep(inner, null) ? value : hmac(inner, value);
    }
    int dot = name.indexOf('.');
    String head = dot < 0 ? name : name.substring(0, dot);
    int colon = head.indexOf(':');
    String param = colon < 0 ? head : head.substring(0, colon);
    String modifier = colon < 0 ? null : head.substring(colon + 1);
    if ("missing".equals(modifier) && ("true".equals(value) || "false".equals(value))) {
      return value;
    }
    if (dot >= 0) {
      String chain = name.substring(dot + 1);
      boolean typed = modifier != null && resourceTypes.contains(modifier);
      String target =
          typed
              ? modifier
              : (modifier == null && PATIENT_REFERENCES.contains(param) ? "Patient" : null);
      if (chain.contains(".")) {
        // a chain of several links: only the last one's parameter matters, on an unknown type
        return protectValue(null, chain.substring(chain.lastIndexOf('.') + 1), value);
      }
      return protectValue(target, chain, value);
    }
    if ("Patient".equals(resourceType) && modifier == null && "identifier".equals(param)) {
      return identifierTokens(value);
    }
    if ("Patient".equals(resourceType) && NAME_TOKENS.containsKey(param)) {
      return orTokens(value, v -> tokenOf(NAME_TOKENS.get(param), v));
    }
    if (PATIENT_REFERENCES.contains(param) && "identifier".equals(modifier)) {
      return identifierTokens(value);
    }
    return keep(param, modifier) ? value : hmac(param, value);
  }

  private boolean keep(String param, String modifier) {
    if (!ALLOWED.contains(param)) {
      return false;
    }
    return modifier == null
        || SAFE_MODIFIERS.contains(modifier)
        || resourceTypes.contains(modifier);
  }

  private String identifierTokens(String value) {
    return orTokens(
        value,
        v -> {
          int bar = unescapedIndex(v, '|');
          if (bar < 0) {
            return tokenOf(BlindIndexTokens.IDENTIFIER_VALUE, unescape(v));
          }
          String system = unescape(v.substring(0, bar));
          String code = unescape(v.substring(bar + 1));
          if (code.isEmpty()) {
            return v; // a system alone identifies nobody
          }
          return system.isEmpty()
              ? tokenOf(BlindIndexTokens.IDENTIFIER_VALUE, code)
              : tokenOf(BlindIndexTokens.IDENTIFIER, system + "|" + code);
        });
  }

  private String tokenOf(String system, String value) {
    return system + "|" + tokens.token(system, unescape(value));
  }

  private String hmac(String param, String value) {
    return PROTECTED + index.token("AuditEvent.query." + param, value);
  }

  private static String orTokens(String value, UnaryOperator<String> each) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == ',' && !escaped(value, i)) {
        out.add(each.apply(value.substring(start, i)));
        start = i + 1;
      }
    }
    return String.join(",", out);
  }

  private static int unescapedIndex(String value, char c) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == c && !escaped(value, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean escaped(String value, int i) {
    int backslashes = 0;
    for (int j = i - 1; j >= 0 && value.charAt(j) == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** FHIR search escapes ({@code \, \| \$ \\}) removed. */
  private static String unescape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return part; // a malformed escape: treated as literal, and so protected unless allowed
    }
  }
}
