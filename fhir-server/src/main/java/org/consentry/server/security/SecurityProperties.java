package org.consentry.server.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code consentry.security.*}: how the server validates access tokens.
 *
 * @param enabled validate a Keycloak token on every FHIR request; false is for benchmarks and local
 *     experiments only (every request then acts as a local system client)
 * @param issuer the realm's issuer URL, checked against {@code iss}; its endpoints (JWKS,
 *     authorize, token) are derived from it
 * @param jwksUri where to fetch signing keys; blank derives {@code
 *     <issuer>/protocol/openid-connect/certs}
 * @param audience the value {@code aud} must contain: this FHIR server
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param algorithms the signature algorithms accepted (never {@code none} or HMAC)
 * @param jwksCacheTtl how long fetched signing keys are reused before a refresh
 */
@ConfigurationProperties("consentry.security")
public record SecurityProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("http://127.0.0.1:8180/realms/consentry") URI issuer,
    @DefaultValue("") String jwksUri,
    @DefaultValue("consentry-fhir") String audience,
    @DefaultValue("30s") Duration clockSkew,
    @DefaultValue({"RS256", "PS256", "ES256"}) List<String> algorithms,
    @DefaultValue("10m") Duration jwksCacheTtl) {

  URI effectiveJwksUri() {
    return jwksUri == null || jwksUri.isBlank() ? endpoint("certs") : URI.create(jwksUri);
  }

  /** An OpenID Connect endpoint of the realm, such as {@code token} or {@code auth}. */
  URI endpoint(String name) {
    String base = issuer.toString().replaceAll("/+$", "");
    return URI.create(base + "/protocol/openid-connect/" + name);
  }
}
