package org.consentry.cli.identity;

import java.util.List;
import java.util.Set;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Declares the attributes that link a user to FHIR in the realm's user profile. Keycloak drops
 * undeclared attributes silently, and a declared attribute that users may edit would let a patient
 * point their account at somebody else's record: these are viewable and editable by administrators
 * only. Names and e-mail are made optional, so that a linked user can sign in without first
 * completing a profile.
 */
final class UserProfileSetup {

  /** User attributes that the {@code fhir-context} scope maps to claims of the same name. */
  static final List<String> FHIR_ATTRIBUTES = List.of("patient", "fhirUser", "organization");

  private final RealmResource realm;

  UserProfileSetup(RealmResource realm) {
    this.realm = realm;
  }

  void apply(List<String> changes) {
    UPConfig config = realm.users().userProfile().getConfiguration();
    boolean changed = false;
    for (String name : FHIR_ATTRIBUTES) {
      UPAttribute attribute = config.getAttribute(name);
      if (attribute == null
          || attribute.getPermissions() == null
          || !Set.of("admin").equals(attribute.getPermissions().getEdit())) {
        UPAttribute declared =
            new UPAttribute(name, new UPAttributePermissions(Set.of("admin"), Set.of("admin")));
        declared.setDisplayName("FHIR " + name);
        config.addOrReplaceAttribute(declared);
        changed = true;
      }
    }
    for (String optional : List.of("email", "firstName", "lastName")) {
      UPAttribute attribute = config.getAttribute(optional);
      if (attribute != null && attribute.getRequired() != null) {
        attribute.setRequired(null);
        changed = true;
      }
    }
    if (changed) {
      realm.users().userProfile().update(config);
      changes.add(
          "declared user attributes " + FHIR_ATTRIBUTES + " (admin-only) in the user profile");
    }
  }
}
