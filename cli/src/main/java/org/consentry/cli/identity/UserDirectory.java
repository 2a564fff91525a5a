package org.consentry.cli.identity;

import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Keycloak users linked to FHIR: patients (attribute {@code patient}), practitioners ({@code
 * fhirUser} and {@code organization}, and the purposes of use they are granted as realm roles
 * {@code purpose:CODE}) and researchers (role {@code researcher}).
 *
 * <p>Adding a user that exists updates its link, its role and its purpose roles (those not given
 * again are taken away) and sets a new password: the command is safe to re-run. Passwords are
 * generated here, returned once, and never logged.
 */
public final class UserDirectory {

  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
  private static final Pattern REFERENCE =
      Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> KINDS =
      List.of("patient", "practitioner", "researcher", "auditor");

  private final KeycloakAdmin admin;

  public UserDirectory(KeycloakAdmin admin) {
    this.admin = admin;
  }

  /** A patient linked to {@code Patient/ID}; returns the generated password. */
  public String addPatient(String username, String patientReference) {
    String id = reference(patientReference, "Patient");
    return upsert(
        username, "patient", Map.of("patient", id, "fhirUser", "Patient/" + id), Set.of());
  }

  /**
   * A practitioner linked to {@code Practitioner/ID} and optionally an organization; returns the
   * password.
   */
  public String addPractitioner(
      String username, String practitionerReference, String organizationReference) {
    return addPractitioner(username, practitionerReference, organizationReference, Set.of());
  }

  /**
   * A practitioner granted purposes of use beyond treatment, such as {@code ETREAT} (emergency
   * access) or {@code HPAYMT}; returns the password.
   *
   * @throws IllegalArgumentException for a purpose the realm definition has no role for
   */
  public String addPractitioner(
      String username,
      String practitionerReference,
      String organizationReference,
      Set<String> purposes) {
    Set<String> granted = PurposeRoles.check(purposes);
    String id = reference(practitionerReference, "Practitioner");
    Map<String, String> attributes = new HashMap<>(Map.of("fhirUser", "Practitioner/" + id));
    if (organizationReference != null) {
      attributes.put(
          "organization", "Organization/" + reference(organizationReference, "Organization"));
    }
    return upsert(username, "practitioner", attributes, granted);
  }

  /**
   * An auditor (role {@code auditor}): reads the whole audit trail and verifies it, never patient
   * data; returns the password.
   */
  public String addAuditor(String username) {
    return upsert(username, "auditor", Map.of(), Set.of());
  }

  /** A researcher (role {@code researcher}); returns the password. */
  public String addResearcher(String username) {
    return upsert(username, "researcher", Map.of(), Set.of());
  }

  /**
   * Links a confidential client (such as {@code ehr-system}) to the organization it acts for: its
   * tokens then carry an {@code organization} claim, which patients' Consents can name.
   */
  public void setClientOrganization(String clientId, String organizationReference) {
    String id = reference(organizationReference, "Organization");
    try (Keycloak keycloak = admin.connect()) {
      RealmResource realm = keycloak.realm(admin.realm());
      UserRepresentation account = client(realm, clientId).getServiceAccountUser();
      Map<String, List<String>> attrs =
          account.getAttributes() == null
              ? new HashMap<>()
              : new HashMap<>(account.getAttributes());
      attrs.put("organization", List.of("Organization/" + id));
      account.setAttributes(attrs);
      realm.users().get(account.getId()).update(account);
    }
  }

  /**
   * Lets a public app client (such as {@code consentry-app}) be used from the server at this base
   * URL: its patient portal ({@code BASE/portal/}) may receive sign-ins (a redirect URI) and call
   * Keycloak's token endpoint from the browser (a web origin). Addresses allowed before are kept.
   *
   * @throws IllegalArgumentException for a URL that is not http(s)://host[:port]
   */
  public void allowAppUrl(String clientId, URI base) {
    if (base == null
        || base.getHost() == null
        || !List.of("http", "https").contains(String.valueOf(base.getScheme()))
        || base.getRawQuery() != null
        || base.getRawFragment() != null
        || !(base.getRawPath() == null
            || base.getRawPath().isEmpty()
            || base.getRawPath().equals("/"))) {
      throw new IllegalArgumentException(
          "expected the server's base URL such as https://consentry.example.org or"
              + " http://127.0.0.1:8080, not "
              + base);
    }
    String origin = base.getScheme() + "://" + base.getRawAuthority();
    try (Keycloak keycloak = admin.connect()) {
      ClientResource client = client(keycloak.realm(admin.realm()), clientId);
      ClientRepresentation current = client.toRepresentation();
      Set<String> redirects = new LinkedHashSet<>(nonNull(current.getRedirectUris()));
      Set<String> origins = new LinkedHashSet<>(nonNull(current.getWebOrigins()));
      boolean changed = redirects.add(origin + "/portal/*") | origins.add(origin);
      if (changed) {
        current.setRedirectUris(List.copyOf(redirects));
        current.setWebOrigins(List.copyOf(origins));
        client.update(current);
      }
    }
  }

  private static List<String> nonNull(List<String> list) {
    return list == null ? List.of() : list;
  }

  /**
   * Grants a confidential client (such as {@code ehr-system}) exactly these purposes of use, as
   * realm roles of its service account; an empty set takes every granted purpose away.
   *
   * @throws IllegalArgumentException for a purpose the realm definition has no role for, or {@code
   *     ETREAT}, which is for practitioners only
   */
  public void setClientPurposes(String clientId, Set<String> purposes) {
    Set<String> granted = PurposeRoles.check(purposes);
    if (granted.contains("ETREAT")) {
      throw new IllegalArgumentException(
          "ETREAT cannot be granted to a client: emergency access is for practitioners only");
    }
    try (Keycloak keycloak = admin.connect()) {
      RealmResource realm = keycloak.realm(admin.realm());
      UserRepresentation account = client(realm, clientId).getServiceAccountUser();
      PurposeRoles.replace(realm, realm.users().get(account.getId()).roles(), granted);
    }
  }

  /**
   * The secret of a confidential client, such as {@code ehr-system}, read through the admin API.
   */
  public String clientSecret(String clientId) {
    try (Keycloak keycloak = admin.connect()) {
      RealmResource realm = keycloak.realm(admin.realm());
      return client(realm, clientId).getSecret().getValue();
    }
  }

  private ClientResource client(RealmResource realm, String clientId) {
    List<ClientRepresentation> found = realm.clients().findByClientId(clientId);
    if (found.isEmpty()) {
      throw new ProvisioningException(
          "no client "
              + clientId
              + " in realm "
              + admin.realm()
              + ": run ./consentry keycloak provision");
    }
    return realm.clients().get(found.get(0).getId());
  }

  private String upsert(
      String username, String role, Map<String, String> attributes, Set<String> purposes) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException(
          "username must be lower-case letters, digits and . _ @ - (at most 64), not '"
              + username
              + "'");
    }
    try (Keycloak keycloak = admin.connect()) {
      RealmResource realm = keycloak.realm(admin.realm());
      List<UserRepresentation> found = realm.users().searchByUsername(username, true);
      UserRepresentation user = found.isEmpty() ? new UserRepresentation() : found.get(0);
      user.setUsername(username);
      user.setEnabled(true);
      user.setRequiredActions(new ArrayList<>());
      Map<String, List<String>> attrs =
          user.getAttributes() == null ? new HashMap<>() : new HashMap<>(user.getAttributes());
      UserProfileSetup.FHIR_ATTRIBUTES.forEach(attrs::remove);
      attributes.forEach((k, v) -> attrs.put(k, List.of(v)));
      user.setAttributes(attrs);
      String id;
      if (found.isEmpty()) {
        try (Response response = realm.users().create(user)) {
          RealmProvisioner.expectCreated(response, "user " + username);
        }
        id = realm.users().searchByUsername(username, true).get(0).getId();
      } else {
        id = user.getId();
        realm.users().get(id).update(user);
      }
      UserResource resource = realm.users().get(id);
      // one kind per user: re-adding alice as a practitioner takes her patient role away
      List<RoleRepresentation> otherKinds =
          resource.roles().realmLevel().listAll().stream()
              .filter(r -> KINDS.contains(r.getName()) && !r.getName().equals(role))
              .toList();
      if (!otherKinds.isEmpty()) {
        resource.roles().realmLevel().remove(otherKinds);
      }
      RoleRepresentation roleRep = realm.roles().get(role).toRepresentation();
      resource.roles().realmLevel().add(List.of(roleRep));
      PurposeRoles.replace(realm, resource.roles(), purposes);
      String password = newPassword();
      CredentialRepresentation credential = new CredentialRepresentation();
      credential.setType(CredentialRepresentation.PASSWORD);
      credential.setTemporary(false);
      credential.setValue(password);
      resource.resetPassword(credential);
      return password;
    }
  }

  private static String reference(String value, String type) {
    var m = REFERENCE.matcher(value == null ? "" : value);
    if (!m.matches() || !m.group(1).equals(type)) {
      throw new IllegalArgumentException(
          "expected a reference such as " + type + "/123, not '" + value + "'");
    }
    return m.group(2);
  }

  static String newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
