package org.consentry.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The claims of access tokens verified a moment ago, so that a client sending the same token with
 * each request has its signature checked once a minute, not once a request (the check was a tenth
 * of a Patient read's CPU). A token is served from here only while its {@code exp} and {@code nbf}
 * still hold, with the same clock skew as the full check; otherwise, or when it is not here, the
 * full check runs, and only a token that passed it is remembered. Refused tokens are never kept.
 *
 * <p>A signing key that the realm withdraws stops being accepted once the key set is fetched again
 * (at most {@code jwksCacheTtl}); a token remembered here lives at most {@link #KEPT} on top of
 * that.
 */
final class VerifiedTokens {

  /** How long a verified token is remembered. */
  static final Duration KEPT = Duration.ofMinutes(1);

  private static final int MAXIMUM = 10_000;

  /** The full check of a token, as {@link AccessTokenVerifier} does it. */
  @FunctionalInterface
  interface Check {
    JWTClaimsSet verify(String token) throws InvalidTokenException;
  }

  private final Cache<String, JWTClaimsSet> verified;
  private final Duration skew;
  private final Clock clock;

  VerifiedTokens(Duration skew, Clock clock) {
    this.skew = skew;
    this.clock = clock;
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(MAXIMUM)
            .expireAfterWrite(KEPT)
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
  }

  /** The token's claims: remembered ones while still valid, else those of the full check. */
  JWTClaimsSet claims(String token, Check check) throws InvalidTokenException {
    JWTClaimsSet known = verified.getIfPresent(token);
    if (known != null && stillValid(known)) {
      return known;
    }
    JWTClaimsSet claims = check.verify(token);
    verified.put(token, claims);
    return claims;
  }

  private boolean stillValid(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date expires = claims.getExpirationTime();
    Date notBefore = claims.getNotBeforeTime();
    return expires != null
        && now.isBefore(expires.toInstant().plus(skew))
        && (notBefore == null || !now.isBefore(notBefore.toInstant().minus(skew)));
  }
}
