package org.consentry.cli.identity;

import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;

/**
 * Creates or updates the realm's clients and sets their default and optional client scopes to what
 * the definition lists. Direct password grants on the public client are for local use: they are
 * switched off when Keycloak is not on this machine.
 */
final class ClientSetup {

  private final RealmResource realm;
  private final Map<String, String> scopeIds;
  private final boolean loopback;

  ClientSetup(RealmResource realm, Map<String, String> scopeIds, boolean loopback) {
    this.realm = realm;
    this.scopeIds = scopeIds;
    this.loopback = loopback;
  }

  void apply(List<ClientRepresentation> clients, List<String> changes) {
    for (ClientRepresentation wanted : clients) {
      if (Boolean.TRUE.equals(wanted.isPublicClient()) && !loopback) {
        wanted.setDirectAccessGrantsEnabled(false);
      }
      List<String> defaults = wanted.getDefaultClientScopes();
      List<String> optionals = wanted.getOptionalClientScopes();
      List<ClientRepresentation> found = realm.clients().findByClientId(wanted.getClientId());
      String id;
      if (found.isEmpty()) {
        wanted.setDefaultClientScopes(null);
        wanted.setOptionalClientScopes(null);
        try (Response response = realm.clients().create(wanted)) {
          RealmProvisioner.expectCreated(response, "client " + wanted.getClientId());
        }
        id = realm.clients().findByClientId(wanted.getClientId()).get(0).getId();
        changes.add("created client " + wanted.getClientId());
      } else {
        ClientRepresentation current = found.get(0);
        id = current.getId();
        if (differs(current, wanted)) {
          wanted.setId(id);
          // addresses added since (the portal's: UserDirectory.allowAppUrl) are kept
          wanted.setRedirectUris(union(wanted.getRedirectUris(), current.getRedirectUris()));
          wanted.setWebOrigins(union(wanted.getWebOrigins(), current.getWebOrigins()));
          wanted.setDefaultClientScopes(null);
          wanted.setOptionalClientScopes(null);
          wanted.setSecret(null);
          realm.clients().get(id).update(wanted);
          changes.add("updated client " + wanted.getClientId());
        }
      }
      reconcileScopes(realm.clients().get(id), wanted.getClientId(), defaults, optionals, changes);
    }
  }

  private static boolean differs(ClientRepresentation current, ClientRepresentation wanted) {
    return !Objects.equals(current.isPublicClient(), wanted.isPublicClient())
        || !Objects.equals(current.isStandardFlowEnabled(), wanted.isStandardFlowEnabled())
        || !Objects.equals(
            current.isDirectAccessGrantsEnabled(), wanted.isDirectAccessGrantsEnabled())
        || !Objects.equals(current.isServiceAccountsEnabled(), wanted.isServiceAccountsEnabled())
        || !Objects.equals(current.isImplicitFlowEnabled(), wanted.isImplicitFlowEnabled())
        || wanted.getRedirectUris() != null
            && !set(current.getRedirectUris()).containsAll(wanted.getRedirectUris())
        || wanted.getWebOrigins() != null
            && !set(current.getWebOrigins()).containsAll(wanted.getWebOrigins())
        || wanted.getAttributes() != null
            && !current.getAttributes().entrySet().containsAll(wanted.getAttributes().entrySet());
  }

  private void reconcileScopes(
      ClientResource client,
      String clientId,
      List<String> defaults,
      List<String> optionals,
      List<String> changes) {
    Set<String> wantedDefaults = set(defaults);
    Set<String> wantedOptionals = set(optionals);
    Set<String> currentDefaults = names(client.getDefaultClientScopes());
    Set<String> currentOptionals = names(client.getOptionalClientScopes());
    for (String name : currentDefaults) {
      if (!wantedDefaults.contains(name) && scopeIds.containsKey(name)) {
        client.removeDefaultClientScope(scopeIds.get(name));
      }
    }
    for (String name : currentOptionals) {
      if (!wantedOptionals.contains(name) && scopeIds.containsKey(name)) {
        client.removeOptionalClientScope(scopeIds.get(name));
      }
    }
    int added = 0;
    for (String name : wantedDefaults) {
      if (!currentDefaults.contains(name)) {
        client.addDefaultClientScope(requireScope(name));
        added++;
      }
    }
    for (String name : wantedOptionals) {
      if (!currentOptionals.contains(name)) {
        client.addOptionalClientScope(requireScope(name));
        added++;
      }
    }
    if (added > 0) {
      changes.add("assigned " + added + " client scopes to " + clientId);
    }
  }

  private String requireScope(String name) {
    String id = scopeIds.get(name);
    if (id == null) {
      throw new ProvisioningException("client scope " + name + " does not exist in the realm");
    }
    return id;
  }

  private static Set<String> names(List<ClientScopeRepresentation> scopes) {
    return scopes.stream().map(ClientScopeRepresentation::getName).collect(Collectors.toSet());
  }

  private static List<String> union(List<String> wanted, List<String> current) {
    if (wanted == null) {
      return null;
    }
    Set<String> all = new java.util.LinkedHashSet<>(wanted);
    all.addAll(set(current));
    return List.copyOf(all);
  }

  private static Set<String> set(List<String> list) {
    return list == null ? Set.of() : new HashSet<>(list);
  }
}
