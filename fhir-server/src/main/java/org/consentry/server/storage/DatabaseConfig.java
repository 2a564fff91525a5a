package org.consentry.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the database: the configured PostgreSQL, or an embedded one under the data folder. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

  private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

  @Bean(destroyMethod = "close")
  DataSource dataSource(DatabaseProperties properties) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("consentry");
    config.setMaximumPoolSize(properties.maxPoolSize());
    // Hibernate sends HAPI's index rows in JDBC batches; the driver turns each batch into
    // multi-row INSERTs instead of one statement per row (about 20 rows per stored resource)
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    if (!properties.embedded()) {
      config.setJdbcUrl(properties.url());
      config.setUsername(properties.username());
      config.setPassword(properties.password());
      log.info("Storing FHIR data in PostgreSQL at {}", properties.url());
      return new HikariDataSource(config);
    }
    EmbeddedDatabase db = EmbeddedDatabase.start(properties.dataDir());
    log.info(
        "Storing FHIR data in an embedded PostgreSQL on 127.0.0.1:{}, files in {}",
        db.port(),
        properties.dataDir());
    config.setJdbcUrl(db.jdbcUrl());
    return new EmbeddedPool(config, db);
  }

  /** A pool that stops its embedded PostgreSQL once the last connection is closed. */
  private static final class EmbeddedPool extends HikariDataSource {
    private final EmbeddedDatabase db;

    EmbeddedPool(HikariConfig config, EmbeddedDatabase db) {
      super(config);
      this.db = db;
    }

    @Override
    public void close() {
      super.close();
      try {
        db.close();
      } catch (IOException e) {
        log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }
}
