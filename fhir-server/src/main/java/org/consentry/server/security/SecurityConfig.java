package org.consentry.server.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Identity: token validation in front of {@code /fhir}, SMART scopes on every interaction, search
 * narrowing for patient-context tokens, and SMART discovery.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfig {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
  private static final String FHIR_PATH = "/fhir";

  /** The local system client every request acts as when token validation is off. */
  private static final Requester LOCAL =
      new Requester(
          Requester.Kind.SYSTEM,
          "local",
          null,
          null,
          null,
          Set.of(),
          Set.of("system/*.*"),
          "TREAT",
          "local");

  /** The token check, shared by {@code /fhir} and the Subscription websocket. */
  @Bean
  AccessTokens accessTokens(SecurityProperties properties) {
    return properties.enabled()
        ? new AccessTokens(new AccessTokenVerifier(properties))
        : new AccessTokens(LOCAL);
  }

  @Bean
  FilterRegistrationBean<Filter> bearerTokenFilter(
      SecurityProperties properties, FhirContext fhir, AccessTokens tokens) {
    Filter filter;
    if (properties.enabled()) {
      filter = new BearerTokenFilter(tokens.verifier(), fhir, FHIR_PATH);
    } else {
      log.warn(
          "consentry.security.enabled=false: token validation is OFF and every request acts as a local"
              + " system client. Never run like this with real data.");
      filter =
          (request, response, chain) -> {
            request.setAttribute(Requesters.ATTRIBUTE, LOCAL);
            chain.doFilter(request, response);
          };
    }
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.addUrlPatterns(FHIR_PATH + "/*");
    // before the request guard: an anonymous request is refused before its body is read
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }

  @Bean
  SmartDiscovery smartDiscovery(SecurityProperties properties) throws IOException {
    return new SmartDiscovery(properties);
  }

  @Bean
  ServletRegistrationBean<SmartDiscovery> smartConfigurationServlet(SmartDiscovery discovery) {
    ServletRegistrationBean<SmartDiscovery> registration =
        new ServletRegistrationBean<>(discovery, FHIR_PATH + "/.well-known/smart-configuration");
    registration.setName("smart-configuration");
    return registration;
  }

  @Bean
  @Order(Pipeline.SCOPES)
  SmartScopeInterceptor smartScopeInterceptor(PatientCompartment compartment) {
    return new SmartScopeInterceptor(compartment);
  }

  @Bean
  @Order(Pipeline.NARROWING)
  PatientSearchNarrowing patientSearchNarrowing() {
    return new PatientSearchNarrowing();
  }
}
