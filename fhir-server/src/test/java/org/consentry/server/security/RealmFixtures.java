package org.consentry.server.security;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.List;
import org.consentry.server.TestKeycloak;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.KeysMetadataRepresentation.KeyMetadataRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * Test-only additions to the real Keycloak, through its admin API: clients with narrow default
 * scopes (so the scope checks see real tokens that lack a type or an interaction), a second realm,
 * and an RSA signing key imported into the realm, which Keycloak publishes in its JWKS, so that
 * tests can sign tokens with claims Keycloak itself never issues (expired, not yet valid).
 */
public final class RealmFixtures {

  private RealmFixtures() {}

  static Keycloak connect() {
    return org.keycloak.admin.client.KeycloakBuilder.builder()
        .serverUrl(TestKeycloak.admin().baseUrl().toString())
        .realm("master")
        .clientId("admin-cli")
        .grantType("password")
        .username(TestKeycloak.admin().username())
        .password(TestKeycloak.admin().password())
        .build();
  }

  /**
   * A public client with direct grants whose only default scopes are the given ones (plus
   * identity).
   */
  static void publicClient(String clientId, List<String> scopes) {
    try (Keycloak keycloak = connect()) {
      RealmResource realm = keycloak.realm("consentry");
      if (!realm.clients().findByClientId(clientId).isEmpty()) {
        return;
      }
      ClientRepresentation client = new ClientRepresentation();
      client.setClientId(clientId);
      client.setPublicClient(true);
      client.setDirectAccessGrantsEnabled(true);
      client.setStandardFlowEnabled(false);
      realm.clients().create(client).close();
      String id = realm.clients().findByClientId(clientId).get(0).getId();
      setDefaultScopes(realm, id, scopes);
    }
  }

  /** A confidential client-credentials client with the given default scopes; returns its secret. */
  public static String confidentialClient(String clientId, List<String> scopes) {
    try (Keycloak keycloak = connect()) {
      RealmResource realm = keycloak.realm("consentry");
      if (realm.clients().findByClientId(clientId).isEmpty()) {
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(clientId);
        client.setPublicClient(false);
        client.setServiceAccountsEnabled(true);
        client.setStandardFlowEnabled(false);
        realm.clients().create(client).close();
        setDefaultScopes(realm, realm.clients().findByClientId(clientId).get(0).getId(), scopes);
      }
      String id = realm.clients().findByClientId(clientId).get(0).getId();
      return realm.clients().get(id).getSecret().getValue();
    }
  }

  private static void setDefaultScopes(RealmResource realm, String clientId, List<String> scopes) {
    var client = realm.clients().get(clientId);
    client.getDefaultClientScopes().forEach(s -> client.removeDefaultClientScope(s.getId()));
    client.getOptionalClientScopes().forEach(s -> client.removeOptionalClientScope(s.getId()));
    List<String> all =
        new java.util.ArrayList<>(List.of("basic", "roles", "fhir-audience", "fhir-context"));
    all.addAll(scopes);
    realm.clientScopes().findAll().stream()
        .filter(s -> all.contains(s.getName()))
        .forEach(s -> client.addDefaultClientScope(s.getId()));
  }

  /**
   * A second realm with a client-credentials client that has system/*.* ; returns its token
   * endpoint secret.
   */
  static String otherRealmClient(String realmName) {
    try (Keycloak keycloak = connect()) {
      if (keycloak.realms().findAll().stream().noneMatch(r -> r.getRealm().equals(realmName))) {
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(realmName);
        realm.setEnabled(true);
        keycloak.realms().create(realm);
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId("intruder");
        client.setPublicClient(false);
        client.setServiceAccountsEnabled(true);
        client.setStandardFlowEnabled(false);
        keycloak.realm(realmName).clients().create(client).close();
      }
      RealmResource realm = keycloak.realm(realmName);
      String id = realm.clients().findByClientId("intruder").get(0).getId();
      return realm.clients().get(id).getSecret().getValue();
    }
  }

  /**
   * Imports a fresh RSA key into the consentry realm at low priority and returns it with Keycloak's
   * kid.
   */
  static RSAKey importedSigningKey() throws Exception {
    RSAKey generated = new RSAKeyGenerator(2048).generate();
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(generated.toPrivateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----";
    try (Keycloak keycloak = connect()) {
      RealmResource realm = keycloak.realm("consentry");
      ComponentRepresentation component = new ComponentRepresentation();
      component.setName("test-imported-rsa");
      component.setProviderId("rsa");
      component.setProviderType("org.keycloak.keys.KeyProvider");
      component.setParentId(realm.toRepresentation().getId());
      MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
      config.putSingle("priority", "-100");
      config.putSingle("enabled", "true");
      config.putSingle("active", "true");
      config.putSingle("algorithm", "RS256");
      config.putSingle("privateKey", pem);
      component.setConfig(config);
      String componentId;
      try (Response response = realm.components().add(component)) {
        if (response.getStatus() != 201) {
          throw new IllegalStateException(
              "Keycloak refused the test key: " + response.readEntity(String.class));
        }
        String location = response.getLocation().toString();
        componentId = location.substring(location.lastIndexOf('/') + 1);
      }
      KeyMetadataRepresentation key =
          realm.keys().getKeyMetadata().getKeys().stream()
              .filter(k -> componentId.equals(k.getProviderId()))
              .findFirst()
              .orElseThrow();
      return new RSAKey.Builder(generated.toRSAPublicKey())
          .privateKey(generated.toPrivateKey())
          .keyID(key.getKid())
          .build();
    }
  }
}
