package org.consentry.server;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The servlet application context, with its bean definitions frozen before the web server starts.
 *
 * <p>Spring Boot starts Tomcat in {@code onRefresh}, and Tomcat's start asks for the servlet and
 * filter beans, which between them need nearly every HAPI bean (the resource DAOs, their services,
 * our interceptors). Spring caches which beans have which type only once the configuration is
 * frozen, a step it takes just after {@code onRefresh}; before that every lookup by type, one per
 * autowired field of each of those beans, goes through all of the context's bean definitions. That
 * was most of the start time. At {@code onRefresh} every bean factory post-processor has run, so
 * the definitions are final: freezing them there lets those lookups use the cache, and changes
 * nothing else.
 *
 * <p>Listed in {@code META-INF/spring.factories}, ahead of Boot's own factory, so the server and
 * the integration tests' contexts both get it.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class FrozenBeforeWebServer implements ApplicationContextFactory {

  @Override
  public ConfigurableApplicationContext create(WebApplicationType type) {
    return type == WebApplicationType.SERVLET ? new Context() : null;
  }

  /** Boot's servlet context, but its configuration frozen before the web server is created. */
  static final class Context extends AnnotationConfigServletWebServerApplicationContext {

    @Override
    protected void onRefresh() {
      getBeanFactory().freezeConfiguration();
      super.onRefresh();
    }
  }
}
