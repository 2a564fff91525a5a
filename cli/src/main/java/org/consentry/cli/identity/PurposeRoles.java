package org.consentry.cli.identity;

import jakarta.ws.rs.NotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.RoleMappingResource;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * The realm roles that grant a purpose of use: {@code purpose:ETREAT}, {@code purpose:HPAYMT}...
 * The FHIR server reads them from the token's {@code realm_access.roles} and lets a request act for
 * a purpose only if it is its kind's default or granted so. The purposes that can be granted are
 * those the realm definition declares a role for.
 */
public final class PurposeRoles {

  static final String PREFIX = "purpose:";

  private PurposeRoles() {}

  /** The purposes the realm definition declares a {@code purpose:CODE} role for, sorted. */
  public static Set<String> grantable() {
    return Declared.CODES;
  }

  /** Read once, when first needed: the definition is large and does not change while running. */
  private static final class Declared {
    static final Set<String> CODES =
        Collections.unmodifiableSortedSet(
            RealmProvisioner.definition().getRoles().getRealm().stream()
                .map(RoleRepresentation::getName)
                .filter(name -> name.startsWith(PREFIX))
                .map(name -> name.substring(PREFIX.length()))
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  /**
   * @throws IllegalArgumentException for a code that has no role in the realm definition
   */
  static Set<String> check(Collection<String> codes) {
    Set<String> grantable = grantable();
    Set<String> checked = new TreeSet<>();
    for (String code : codes) {
      if (!grantable.contains(code)) {
        throw new IllegalArgumentException(
            "no purpose of use '"
                + code
                + "' can be granted; use one of "
                + grantable
                + " (the others are defaults: practitioners and systems TREAT, patients PATRQT, researchers HRESCH)");
      }
      checked.add(code);
    }
    return checked;
  }

  /** Gives the role holder exactly the purpose roles of {@code codes}, removing any other. */
  static void replace(RealmResource realm, RoleMappingResource holder, Set<String> codes) {
    List<RoleRepresentation> current = holder.realmLevel().listAll();
    List<RoleRepresentation> stale =
        current.stream()
            .filter(
                r ->
                    r.getName().startsWith(PREFIX)
                        && !codes.contains(r.getName().substring(PREFIX.length())))
            .toList();
    if (!stale.isEmpty()) {
      holder.realmLevel().remove(stale);
    }
    Set<String> held =
        current.stream().map(RoleRepresentation::getName).collect(Collectors.toSet());
    List<RoleRepresentation> missing = new ArrayList<>();
    for (String code : codes) {
      if (!held.contains(PREFIX + code)) {
        missing.add(role(realm, PREFIX + code));
      }
    }
    if (!missing.isEmpty()) {
      holder.realmLevel().add(missing);
    }
  }

  private static RoleRepresentation role(RealmResource realm, String name) {
    try {
      return realm.roles().get(name).toRepresentation();
    } catch (NotFoundException e) {
      throw new ProvisioningException(
          "the realm has no role " + name + ": run ./consentry keycloak provision");
    }
  }
}
