package org.consentry.server.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security headers of the portal's files. The Content-Security-Policy allows scripts, styles and
 * images from this server only (no inline script, no CDN), and connections to this server and to
 * Keycloak (the token endpoint, for the code exchange and refresh); the app cannot be framed. Files
 * are revalidated on every load ({@code no-cache}), so a new version shows at once.
 */
final class PortalHeaders extends OncePerRequestFilter {

  private final String policy;

  PortalHeaders(URI issuer) {
    String keycloak = issuer.getScheme() + "://" + issuer.getAuthority();
    this.policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self' "
            + keycloak
            + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("Content-Security-Policy", policy);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Cache-Control", "no-cache");
    chain.doFilter(request, response);
  }
}
