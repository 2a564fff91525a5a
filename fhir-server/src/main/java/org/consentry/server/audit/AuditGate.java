package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.consentry.audit.AuditLog;
import org.consentry.server.fhir.OutcomeResponses;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Fail closed: while the audit store cannot be written, every FHIR request that could show or
 * change data is refused with 503 rather than served unaudited. The CapabilityStatement and SMART
 * discovery, which hold no data, stay open.
 */
final class AuditGate extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(AuditGate.class);
  private static final Set<String> OPEN =
      Set.of("/metadata", "/.well-known/smart-configuration", "/api-docs");

  private final AuditLog store;
  private final FhirContext fhir;
  private final String fhirPath;

  AuditGate(AuditLog store, FhirContext fhir, String fhirPath) {
    this.store = store;
    this.fhir = fhir;
    this.fhirPath = fhirPath;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (store.healthy() || isOpen(request)) {
      chain.doFilter(request, response);
      return;
    }
    String problem = store.problem().orElse("the audit store is not available");
    log.warn("refused {} {}: {}", request.getMethod(), request.getRequestURI(), problem);
    response.setHeader("Retry-After", "5");
    OutcomeResponses.write(
        response,
        fhir,
        503,
        IssueType.TRANSIENT,
        "The audit trail cannot be written, so no data is served until it can: " + problem);
  }

  private boolean isOpen(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String sub = path.startsWith(fhirPath) ? path.substring(fhirPath.length()) : path;
    return ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
        && (OPEN.contains(sub) || sub.startsWith("/swagger-ui"));
  }
}
