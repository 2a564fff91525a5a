package org.consentry.server.portal;

import org.consentry.server.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The patients' web app (module {@code portal}) at {@code /portal/}: static files from the portal
 * jar ({@code META-INF/resources/portal}), served as they are. The app signs the patient in at
 * Keycloak (SMART standalone launch) and then uses only the FHIR API with the patient's own token,
 * so it adds no endpoint of its own and nothing here bypasses the door: {@code /portal} holds no
 * data. {@link PortalHeaders} sets its security headers.
 */
@Configuration
public class PortalConfig implements WebMvcConfigurer {

  /** Where the portal is served. */
  public static final String PATH = "/portal";

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController(PATH, PATH + "/");
    registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
  }

  @Bean
  FilterRegistrationBean<PortalHeaders> portalHeaders(SecurityProperties security) {
    FilterRegistrationBean<PortalHeaders> registration =
        new FilterRegistrationBean<>(new PortalHeaders(security.issuer()));
    registration.addUrlPatterns(PATH, PATH + "/*");
    registration.setName("portal-headers");
    return registration;
  }
}
