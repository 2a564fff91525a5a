package org.consentry.server.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where FHIR data is stored ({@code consentry.db.*}, or {@code CONSENTRY_DB_URL}, {@code
 * CONSENTRY_DB_USERNAME}, {@code CONSENTRY_DB_PASSWORD} in the environment).
 *
 * @param url JDBC URL of a PostgreSQL database; blank means an embedded PostgreSQL kept under
 *     {@code dataDir}
 * @param username database user (ignored for the embedded database)
 * @param password database password (ignored for the embedded database); never logged
 * @param dataDir folder of the embedded database's files (default {@code ${consentry.home}/pgdata})
 * @param maxPoolSize connections in the pool
 */
@ConfigurationProperties("consentry.db")
record DatabaseProperties(
    String url,
    String username,
    String password,
    Path dataDir,
    @DefaultValue("20") int maxPoolSize) {

  boolean embedded() {
    return url == null || url.isBlank();
  }

  @Override
  public String toString() {
    return "DatabaseProperties[url="
        + url
        + ", username="
        + username
        + ", dataDir="
        + dataDir
        + "]";
  }
}
