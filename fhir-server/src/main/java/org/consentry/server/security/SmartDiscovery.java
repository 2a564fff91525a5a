package org.consentry.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * SMART discovery: {@code /fhir/.well-known/smart-configuration} and the security section of the
 * CapabilityStatement, both pointing at Keycloak's endpoints and listing the scopes that the realm
 * definition offers (so they cannot drift apart).
 */
@Interceptor
final class SmartDiscovery extends HttpServlet implements ServerInterceptor {

  private static final String OAUTH_URIS =
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

  private static final String REALM_DEFINITION = "/keycloak/consentry-realm.json";

  private final SecurityProperties properties;
  private final byte[] document;

  SmartDiscovery(SecurityProperties properties) throws IOException {
    this.properties = properties;
    this.document =
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(configuration());
  }

  /**
   * The SMART scopes among the realm definition's client scopes ({@code
   * keycloak/consentry-realm.json}, which {@code ./consentry keycloak provision} applies to
   * Keycloak).
   */
  static List<String> scopes() {
    try (InputStream in = SmartDiscovery.class.getResourceAsStream(REALM_DEFINITION)) {
      if (in == null) {
        throw new IllegalStateException(REALM_DEFINITION + " is missing from the server's jar");
      }
      List<String> scopes = new ArrayList<>();
      for (JsonNode scope : new ObjectMapper().readTree(in).path("clientScopes")) {
        String name = scope.path("name").asText();
        if (name.contains("/") || name.equals("fhirUser")) {
          scopes.add(name);
        }
      }
      return List.copyOf(scopes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + REALM_DEFINITION, e);
    }
  }

  private Map<String, Object> configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("issuer", properties.issuer().toString());
    c.put("jwks_uri", properties.effectiveJwksUri().toString());
    c.put("authorization_endpoint", properties.endpoint("auth").toString());
    c.put("token_endpoint", properties.endpoint("token").toString());
    c.put("introspection_endpoint", properties.endpoint("token/introspect").toString());
    c.put("revocation_endpoint", properties.endpoint("revoke").toString());
    c.put("userinfo_endpoint", properties.endpoint("userinfo").toString());
    c.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
    c.put(
        "grant_types_supported",
        List.of("authorization_code", "client_credentials", "refresh_token"));
    c.put("response_types_supported", List.of("code"));
    c.put("code_challenge_methods_supported", List.of("S256"));
    c.put("scopes_supported", scopes());
    c.put(
        "capabilities",
        List.of(
            "launch-standalone",
            "client-public",
            "client-confidential-symmetric",
            "sso-openid-connect",
            "context-standalone-patient",
            "permission-patient",
            "permission-user",
            "permission-v1",
            "permission-v2"));
    return c;
  }

  /** The discovery document is only read: any method but GET, HEAD and OPTIONS gets 405. */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws jakarta.servlet.ServletException, IOException {
    if (java.util.Set.of("GET", "HEAD", "OPTIONS").contains(request.getMethod())) {
      super.service(request, response);
      return;
    }
    response.setHeader("Allow", "GET, HEAD, OPTIONS");
    response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "max-age=300");
    response.setContentLength(document.length);
    response.getOutputStream().write(document);
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void addSecurity(IBaseConformance generated) {
    if (!(generated instanceof CapabilityStatement statement) || statement.getRest().isEmpty()) {
      return;
    }
    CapabilityStatementRestSecurityComponent security = statement.getRestFirstRep().getSecurity();
    security.setCors(true);
    CodeableConcept service =
        new CodeableConcept()
            .setText("OAuth2 using SMART-on-FHIR profile (Keycloak); scopes v1 and v2");
    service
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
        .setCode("SMART-on-FHIR");
    security.addService(service);
    Extension uris = security.addExtension().setUrl(OAUTH_URIS);
    uris.addExtension("token", new UriType(properties.endpoint("token").toString()));
    uris.addExtension("authorize", new UriType(properties.endpoint("auth").toString()));
    uris.addExtension(
        "introspect", new UriType(properties.endpoint("token/introspect").toString()));
    uris.addExtension("revoke", new UriType(properties.endpoint("revoke").toString()));
    security.setDescription(
        "Every request needs a Keycloak access token (Authorization: Bearer), except metadata and"
            + " /.well-known/smart-configuration. Scopes: "
            + String.join(" ", scopes()));
  }
}
