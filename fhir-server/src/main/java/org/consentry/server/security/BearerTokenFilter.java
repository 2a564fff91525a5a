package org.consentry.server.security;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.OutcomeResponses;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request under {@code /fhir} needs a valid access token, except the CapabilityStatement,
 * SMART discovery and the OpenAPI description. The token is checked locally (no call to Keycloak),
 * and the {@link Requester} derived from it is kept on the request for HAPI.
 *
 * <p>401 with {@code WWW-Authenticate: Bearer error="invalid_token"} when the token is missing or
 * invalid; 403 when it is valid but names no requester; 503 when the signing keys cannot be
 * fetched. Every error body is an OperationOutcome.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(BearerTokenFilter.class);
  private static final Set<String> OPEN =
      Set.of("/metadata", "/.well-known/smart-configuration", "/api-docs");

  private final AccessTokenVerifier verifier;
  private final FhirContext fhir;
  private final String contextPrefix;

  BearerTokenFilter(AccessTokenVerifier verifier, FhirContext fhir, String fhirPath) {
    this.verifier = verifier;
    this.fhir = fhir;
    this.contextPrefix = fhirPath;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String sub = path.startsWith(contextPrefix) ? path.substring(contextPrefix.length()) : path;
    if (isOpen(sub, request.getMethod())) {
      chain.doFilter(request, response);
      return;
    }
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      unauthorized(
          response,
          "an access token is required: send Authorization: Bearer <token>"
              + " (./consentry token USERNAME prints one)");
      return;
    }
    Requester requester;
    String username;
    try {
      JWTClaimsSet claims = verifier.verify(header.substring(7).trim());
      requester = RequesterFactory.from(claims, request.getHeader(RequesterFactory.PURPOSE_HEADER));
      username = claims.getStringClaim("preferred_username");
    } catch (java.text.ParseException e) {
      unauthorized(response, "the token's preferred_username claim is not a string");
      return;
    } catch (InvalidTokenException e) {
      unauthorized(response, e.getMessage());
      return;
    } catch (RequesterFactory.RequesterException e) {
      IssueType type = e.status() == 400 ? IssueType.VALUE : IssueType.FORBIDDEN;
      OutcomeResponses.write(response, fhir, e.status(), type, e.getMessage());
      return;
    } catch (IdentityProviderUnavailableException e) {
      log.warn("{}", e.getMessage());
      OutcomeResponses.write(response, fhir, 503, IssueType.TRANSIENT, e.getMessage());
      return;
    }
    Requesters.set(request, requester);
    Requesters.setUsername(request, username);
    chain.doFilter(request, response);
  }

  private static boolean isOpen(String sub, String method) {
    if (!"GET".equals(method) && !"HEAD".equals(method) && !"OPTIONS".equals(method)) {
      return false;
    }
    return OPEN.contains(sub) || sub.startsWith("/swagger-ui");
  }

  private void unauthorized(HttpServletResponse response, String description) throws IOException {
    String quoted = description.replace("\\", "\\\\").replace("\"", "'");
    response.setHeader(
        "WWW-Authenticate",
        "Bearer realm=\"consentry\", error=\"invalid_token\", error_description=\""
            + quoted
            + "\"");
    OutcomeResponses.write(response, fhir, 401, IssueType.LOGIN, description);
  }
}
