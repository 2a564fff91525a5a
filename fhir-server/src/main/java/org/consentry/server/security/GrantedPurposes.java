package org.consentry.server.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Requester.Kind;

/**
 * The purposes of use the identity provider granted a requester, and the one a request acts for.
 *
 * <p>Granted: the default of the kind (patient PATRQT, practitioner and system TREAT, researcher
 * HRESCH), plus what the token grants: realm roles named {@code purpose:CODE} and the {@code
 * purpose_of_use} claim. Emergency treatment (ETREAT) is granted to practitioners only, and a
 * researcher is granted research (HRESCH) only, whatever the token says.
 *
 * <p>The {@code X-Purpose-Of-Use} header chooses among the granted purposes and never adds one: a
 * code is granted only as itself, never through the v3-ActReason hierarchy, because a narrower
 * purpose (ETREAT under TREAT) can open what a Consent denies to the broader one. Without a header
 * a request acts for the default of its kind.
 */
final class GrantedPurposes {

  /** The prefix of the Keycloak realm roles that grant a purpose: {@code purpose:ETREAT}. */
  static final String ROLE_PREFIX = "purpose:";

  private final Kind kind;
  private final Set<String> granted;

  private GrantedPurposes(Kind kind, Set<String> granted) {
    this.kind = kind;
    this.granted = granted;
  }

  /**
   * @param roles the token's realm roles ({@code realm_access.roles})
   * @param claimed the codes of the token's {@code purpose_of_use} claim
   */
  static GrantedPurposes of(Kind kind, Collection<String> roles, Collection<String> claimed) {
    Set<String> granted = new LinkedHashSet<>();
    granted.add(defaultOf(kind));
    roles.stream()
        .filter(r -> r.startsWith(ROLE_PREFIX))
        .map(r -> r.substring(ROLE_PREFIX.length()))
        .forEach(granted::add);
    claimed.stream().map(GrantedPurposes::bareCode).forEach(granted::add);
    granted.removeIf(code -> !RequesterFactory.PURPOSES.contains(code) || !allowedFor(kind, code));
    return new GrantedPurposes(kind, Set.copyOf(granted));
  }

  /**
   * The purpose a request acts for: the header's, if granted, else the kind's default.
   *
   * @throws RequesterFactory.RequesterException 400 for a code this server does not know or of
   *     another code system; 403 for a purpose the kind may never act for or that is not granted,
   *     with a message that says how it is granted
   */
  String choose(String header) {
    if (header == null || header.isBlank()) {
      return defaultOf(kind);
    }
    String requested = header.trim();
    if (requested.contains("|")) {
      String system = requested.substring(0, requested.indexOf('|'));
      if (!system.isEmpty() && !system.equals(RequesterFactory.ACT_REASON)) {
        throw new RequesterFactory.RequesterException(
            400,
            RequesterFactory.PURPOSE_HEADER
                + " must be a code of "
                + RequesterFactory.ACT_REASON
                + ", not "
                + system);
      }
      requested = requested.substring(requested.indexOf('|') + 1);
    }
    if (!RequesterFactory.PURPOSES.contains(requested)) {
      throw new RequesterFactory.RequesterException(
          400,
          "unknown purpose of use '" + requested + "'; use one of " + RequesterFactory.PURPOSES);
    }
    if (requested.equals("ETREAT") && kind != Kind.PRACTITIONER) {
      throw new RequesterFactory.RequesterException(
          403, "emergency access (ETREAT) is for practitioners only");
    }
    if (kind == Kind.AUDITOR && !requested.equals("HOPERAT")) {
      throw new RequesterFactory.RequesterException(
          403, "an auditor acts for healthcare operations (HOPERAT) only, not " + requested);
    }
    if (kind == Kind.RESEARCHER && !requested.equals("HRESCH")) {
      throw new RequesterFactory.RequesterException(
          403, "a researcher acts for research (HRESCH) only, not " + requested);
    }
    if (!granted.contains(requested)) {
      throw new RequesterFactory.RequesterException(403, notGranted(requested));
    }
    return requested;
  }

  private String notGranted(String code) {
    String how =
        switch (kind) {
          case PRACTITIONER ->
              ", e.g. ./consentry user add-practitioner USER Practitioner/ID --purpose " + code;
          case SYSTEM ->
              ", e.g. for the ehr-system client ./consentry keycloak ehr-purpose " + code;
          default -> "";
        };
    return "purpose of use "
        + code
        + " is not granted to this requester (granted: "
        + String.join(", ", sorted())
        + "); the identity provider grants it with the realm role "
        + ROLE_PREFIX
        + code
        + how
        + ", then take a new token";
  }

  private List<String> sorted() {
    return granted.stream().sorted().toList();
  }

  static String defaultOf(Kind kind) {
    return switch (kind) {
      case PATIENT -> "PATRQT";
      case PRACTITIONER, SYSTEM -> "TREAT";
      case RESEARCHER -> "HRESCH";
      case AUDITOR -> "HOPERAT";
    };
  }

  private static boolean allowedFor(Kind kind, String code) {
    if (kind == Kind.RESEARCHER) {
      return code.equals("HRESCH");
    }
    if (kind == Kind.AUDITOR) {
      return code.equals("HOPERAT");
    }
    return !code.equals("ETREAT") || kind == Kind.PRACTITIONER;
  }

  private static String bareCode(String value) {
    String code = value.trim();
    String prefix = RequesterFactory.ACT_REASON + "|";
    return code.startsWith(prefix) ? code.substring(prefix.length()) : code;
  }
}
