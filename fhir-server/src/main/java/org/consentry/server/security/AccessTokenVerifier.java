package org.consentry.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a Keycloak access token without calling Keycloak on the request path.
 *
 * <p>Signature against the realm's JWKS (fetched once, cached for {@code jwksCacheTtl}; a token
 * with an unknown {@code kid} triggers one rate-limited refetch, which is how key rotation in
 * Keycloak reaches us), algorithm allow-list (so {@code alg: none} and HS256 signed with the public
 * key as secret fail), issuer, audience, {@code exp} and {@code nbf} with a small skew, and {@code
 * typ: Bearer} so that ID tokens are not accepted as access tokens. A token that passed is
 * remembered for a minute while its {@code exp} holds ({@link VerifiedTokens}).
 */
final class AccessTokenVerifier {

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final String jwksUri;
  private final VerifiedTokens verified;

  AccessTokenVerifier(SecurityProperties properties) {
    this.jwksUri = properties.effectiveJwksUri().toString();
    this.verified = new VerifiedTokens(properties.clockSkew(), java.time.Clock.systemUTC());
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.create(
                  properties.effectiveJwksUri().toURL(),
                  new DefaultResourceRetriever(2_000, 5_000, 512 * 1024))
              .cache(properties.jwksCacheTtl().toMillis(), 5_000)
              .refreshAheadCache(false)
              .retrying(true)
              .build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("consentry.security.jwks-uri is not a URL: " + jwksUri, e);
    }
    Set<JWSAlgorithm> allowed =
        properties.algorithms().stream()
            .map(JWSAlgorithm::parse)
            .peek(AccessTokenVerifier::refuseWeak)
            .collect(Collectors.toSet());
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(allowed, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            new HashSet<>(Set.of(properties.audience())),
            new JWTClaimsSet.Builder().issuer(properties.issuer().toString()).build(),
            new HashSet<>(Set.of("sub", "exp", "iat")),
            null);
    claims.setMaxClockSkew((int) properties.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  private static void refuseWeak(JWSAlgorithm algorithm) {
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)
        || "none".equalsIgnoreCase(algorithm.getName())) {
      throw new IllegalArgumentException(
          "consentry.security.algorithms must list asymmetric algorithms only, not " + algorithm);
    }
  }

  /**
   * The verified claims of a token.
   *
   * @throws InvalidTokenException if the token is not a valid access token of the realm for this
   *     server; the message says which check failed and never echoes the token
   * @throws IdentityProviderUnavailableException if the signing keys cannot be fetched
   */
  JWTClaimsSet verify(String token) throws InvalidTokenException {
    return verified.claims(token, this::verifyFully);
  }

  /** Every check, whether or not the token was verified a moment ago. */
  private JWTClaimsSet verifyFully(String token) throws InvalidTokenException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (RateLimitReachedException e) {
      // an unknown kid asks for a refetch at most once per rate-limit window
      throw new InvalidTokenException(
          "the access token is signed with a key that the realm does not publish");
    } catch (KeySourceException e) {
      throw new IdentityProviderUnavailableException(
          "cannot fetch the signing keys from "
              + jwksUri
              + ": is Keycloak running, and does consentry.security.issuer point at the realm?",
          e);
    } catch (ParseException e) {
      throw new InvalidTokenException("the access token is not a JWT");
    } catch (BadJWTException e) {
      throw new InvalidTokenException("the access token was refused: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException("the access token signature was refused: " + e.getMessage());
    }
    Object typ = claims.getClaim("typ");
    if (typ != null && !"Bearer".equals(typ)) {
      throw new InvalidTokenException("the token is a " + typ + " token, not an access token");
    }
    return claims;
  }
}
