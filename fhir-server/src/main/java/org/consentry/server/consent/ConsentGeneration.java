package org.consentry.server.consent;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A counter in the database that every committed change to a Consent bumps. Each request reads it
 * once; a node whose cached consents are older drops them, so a revocation made on any node takes
 * effect on the very next request everywhere, at the cost of one primary-key read per request.
 */
final class ConsentGeneration {

  private static final String TABLE = "CONSENTRY_CONSENT_GENERATION";

  private final JdbcTemplate jdbc;

  ConsentGeneration(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (ID INT PRIMARY KEY, GENERATION BIGINT NOT NULL)");
    jdbc.update(
        "INSERT INTO " + TABLE + " (ID, GENERATION) VALUES (1, 0) ON CONFLICT (ID) DO NOTHING");
  }

  long current() {
    Long stored =
        jdbc.queryForObject("SELECT GENERATION FROM " + TABLE + " WHERE ID = 1", Long.class);
    return stored == null ? 0 : stored;
  }

  /** Called after a Consent change committed. */
  void bump() {
    jdbc.update("UPDATE " + TABLE + " SET GENERATION = GENERATION + 1 WHERE ID = 1");
  }
}
