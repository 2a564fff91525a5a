package org.consentry.server.security;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Optional;
import org.consentry.consent.Requester;

/**
 * The access-token check of the FHIR API, for the paths outside it that need the same (the
 * Subscription websocket): the same verification as every FHIR request ({@link
 * AccessTokenVerifier}), the same requester ({@link RequesterFactory}), and the same answers when a
 * token is refused.
 */
public final class AccessTokens {

  /** A verified token: whose it is, and until when it is valid (never the token itself). */
  public record Holder(Requester requester, Instant expires) {}

  /** A token refused, with the status the FHIR API answers and a message that never echoes it. */
  public static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    /** 401 (missing or invalid), 403 (names no requester), 400 (bad purpose), 503 (no keys). */
    public int status() {
      return status;
    }
  }

  /** The message for a missing token. */
  public static final String MISSING =
      "an access token is required: send Authorization: Bearer <token>"
          + " (./consentry token USERNAME prints one)";

  private final AccessTokenVerifier verifier;
  private final Requester local;

  /** Tokens verified against the realm. */
  AccessTokens(AccessTokenVerifier verifier) {
    this.verifier = verifier;
    this.local = null;
  }

  /** Token validation off ({@code consentry.security.enabled=false}): every token is the local. */
  AccessTokens(Requester local) {
    this.verifier = null;
    this.local = local;
  }

  AccessTokenVerifier verifier() {
    return verifier;
  }

  /**
   * The holder of the token ({@code Bearer } prefix optional).
   *
   * @param purposeHeader the {@code X-Purpose-Of-Use} asked for, or null for the default
   */
  public Holder verify(String token, String purposeHeader) throws Refused {
    String bare = bare(token).orElseThrow(() -> new Refused(401, MISSING));
    if (local != null) {
      return new Holder(local, Instant.MAX);
    }
    try {
      JWTClaimsSet claims = verifier.verify(bare);
      Requester requester = RequesterFactory.from(claims, purposeHeader);
      Instant expires =
          claims.getExpirationTime() == null ? Instant.MAX : claims.getExpirationTime().toInstant();
      return new Holder(requester, expires);
    } catch (InvalidTokenException e) {
      throw new Refused(401, e.getMessage());
    } catch (RequesterFactory.RequesterException e) {
      throw new Refused(e.status(), e.getMessage());
    } catch (IdentityProviderUnavailableException e) {
      throw new Refused(503, e.getMessage());
    }
  }

  private static Optional<String> bare(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String trimmed = token.trim();
    if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
      trimmed = trimmed.substring(7).trim();
    }
    return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
  }
}
