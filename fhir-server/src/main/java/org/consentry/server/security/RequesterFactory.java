package org.consentry.server.security;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.consentry.consent.Requester;
import org.consentry.consent.Requester.Kind;

/**
 * Builds the {@link Requester} from verified claims, once per request.
 *
 * <p>The kind comes from the token: role {@code researcher}; a {@code fhirUser} that is a
 * Practitioner or PractitionerRole; a {@code patient} claim; or, for a client without a user,
 * {@code system/} scopes. A token that fits none of these identifies nobody and is refused.
 *
 * <p>The purpose of use is granted by the identity provider, not claimed: the {@code
 * X-Purpose-Of-Use} header chooses one of the purposes the token grants, else the request acts for
 * the default of its kind (see {@link GrantedPurposes}).
 */
final class RequesterFactory {

  static final String PURPOSE_HEADER = "X-Purpose-Of-Use";
  static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  /** The v3 purposes of use this server knows (the bundled v3-ActReason subset). */
  static final Set<String> PURPOSES =
      Set.of(
          "TREAT",
          "ETREAT",
          "CLINTRL",
          "POPHLTH",
          "HPAYMT",
          "HOPERAT",
          "HRESCH",
          "PATRQT",
          "PUBHLTH",
          "HLEGAL",
          "COVERAGE",
          "FAMRQT",
          "PWATRNY",
          "SUPNWK",
          "HDIRECT",
          "CAREMGT");

  private static final Pattern REFERENCE = Pattern.compile("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}");

  private RequesterFactory() {}

  /**
   * @throws RequesterException (403) if the token identifies no kind of requester or the header
   *     asks for a purpose the token does not grant, (400) if the purpose of use is unknown
   */
  static Requester from(JWTClaimsSet claims, String purposeHeader) {
    Set<String> scopes = new LinkedHashSet<>(Arrays.asList(string(claims, "scope").split("\\s+")));
    scopes.remove("");
    List<String> roles = roles(claims);
    String patient = blankToNull(string(claims, "patient"));
    String fhirUser = blankToNull(string(claims, "fhirUser"));
    String organization = blankToNull(string(claims, "organization"));
    String client = blankToNull(string(claims, "azp"));
    if (patient != null && patient.startsWith("Patient/")) {
      patient = patient.substring("Patient/".length());
    }
    checkReference("fhirUser", fhirUser);
    checkReference("organization", organization);

    Kind kind;
    if (roles.contains("auditor")) {
      kind = Kind.AUDITOR;
    } else if (roles.contains("researcher")) {
      kind = Kind.RESEARCHER;
    } else if (fhirUser != null
        && (fhirUser.startsWith("Practitioner/") || fhirUser.startsWith("PractitionerRole/"))) {
      kind = Kind.PRACTITIONER;
    } else if (patient != null) {
      kind = Kind.PATIENT;
    } else if (GrantedScopes.of(scopes).hasContext(SmartScope.Context.SYSTEM)) {
      kind = Kind.SYSTEM;
    } else {
      throw new RequesterException(
          403,
          "the token identifies no requester: it carries no patient or fhirUser claim,"
              + " no researcher or auditor role and no system/ scope; link the user with ./consentry"
              + " user add-patient, add-practitioner, add-researcher or add-auditor");
    }

    String purpose = GrantedPurposes.of(kind, roles, purposeClaim(claims)).choose(purposeHeader);
    Set<String> actors = new LinkedHashSet<>();
    if (fhirUser != null) {
      actors.add(fhirUser);
    }
    if (organization != null) {
      actors.add(organization);
    }
    String subject = claims.getSubject() != null ? claims.getSubject() : String.valueOf(client);
    return new Requester(
        kind, subject, patient, fhirUser, organization, actors, scopes, purpose, client);
  }

  /** The {@code purpose_of_use} claim: a space-separated string or a JSON array of codes. */
  private static List<String> purposeClaim(JWTClaimsSet claims) {
    Object value = claims.getClaim("purpose_of_use");
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      return Arrays.stream(text.trim().split("\\s+")).filter(code -> !code.isEmpty()).toList();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new RequesterException(
        403, "the token's purpose_of_use claim is neither a string nor an array of codes");
  }

  private static void checkReference(String claim, String value) {
    if (value != null && !REFERENCE.matcher(value).matches()) {
      throw new RequesterException(
          403, "the token's " + claim + " claim is not a FHIR reference such as Practitioner/123");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> roles(JWTClaimsSet claims) {
    Object realmAccess = claims.getClaim("realm_access");
    if (realmAccess instanceof Map<?, ?> map && map.get("roles") instanceof List<?> list) {
      return (List<String>) list.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  private static String string(JWTClaimsSet claims, String name) {
    try {
      String value = claims.getStringClaim(name);
      return value == null ? "" : value;
    } catch (ParseException e) {
      throw new RequesterException(403, "the token's " + name + " claim is not a string");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The token is valid but does not make a requester this server can serve. */
  static final class RequesterException extends RuntimeException {
    private final int status;

    RequesterException(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }
}
