package org.consentry.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Consentry FHIR server: a HAPI FHIR JPA R4 server with Consentry's features wired in as HAPI
 * interceptors. Each feature package owns its configuration.
 *
 * <p>Boot's own DataSource and JPA set-up are excluded: {@code storage} chooses the database
 * (embedded PostgreSQL or a configured one) and {@code fhir} builds HAPI's persistence unit; HAPI
 * creates and migrates its own schema, so Boot's Flyway set-up is excluded too, and so is the
 * Elasticsearch client that HAPI's optional full-text module would otherwise bring up.
 */
@SpringBootApplication(
    exclude = {
      DataSourceAutoConfiguration.class,
      HibernateJpaAutoConfiguration.class,
      FlywayAutoConfiguration.class,
      ElasticsearchRestClientAutoConfiguration.class
    })
@ConfigurationPropertiesScan
public class ConsentryApplication {

  public static void main(String[] args) {
    SpringApplication.run(ConsentryApplication.class, args);
  }
}
