package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The three tables, created if absent (one transaction under the chain's advisory lock, so nodes
 * starting together do not race on PostgreSQL's catalog):
 *
 * <pre>
 * consentry_audit_record(seq bigint PK, recorded timestamptz, patients text[], kind text,
 *                        agent text, json text, hash bytea)
 *   indexes: recorded; GIN on patients (a patient's trail without scanning the log);
 *            (agent, recorded)
 * consentry_audit_checkpoint(seq bigint PK, hash bytea, created timestamptz, anchor boolean,
 *                            mac bytea)
 * consentry_audit_head(id smallint PK = 1, seq bigint, hash bytea, updated timestamptz, mac bytea)
 * </pre>
 *
 * {@code json} is {@code text}, not {@code jsonb}: jsonb would normalize the JSON and break the
 * hash.
 */
public final class Schema {

  public static final String RECORD = "consentry_audit_record";
  public static final String CHECKPOINT = "consentry_audit_checkpoint";
  public static final String HEAD = "consentry_audit_head";

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS "
        + RECORD
        + " (seq bigint PRIMARY KEY, recorded timestamptz NOT NULL, patients text[] NOT NULL,"
        + " kind text NOT NULL, agent text NOT NULL, json text NOT NULL, hash bytea NOT NULL)",
    "CREATE INDEX IF NOT EXISTS " + RECORD + "_recorded ON " + RECORD + " (recorded)",
    "CREATE INDEX IF NOT EXISTS " + RECORD + "_patients ON " + RECORD + " USING gin (patients)",
    "CREATE INDEX IF NOT EXISTS " + RECORD + "_agent ON " + RECORD + " (agent, recorded)",
    "CREATE TABLE IF NOT EXISTS "
        + CHECKPOINT
        + " (seq bigint PRIMARY KEY, hash bytea NOT NULL, created timestamptz NOT NULL,"
        + " anchor boolean NOT NULL, mac bytea NOT NULL)",
    "CREATE TABLE IF NOT EXISTS "
        + HEAD
        + " (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash bytea NOT NULL,"
        + " updated timestamptz NOT NULL, mac bytea NOT NULL)",
  };

  private Schema() {}

  public static void create(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + Chain.LOCK + ")");
        for (String ddl : DDL) {
          statement.execute(ddl);
        }
        connection.commit();
      } catch (SQLException e) {
        Chain.rollback(connection);
        throw e;
      } finally {
        Chain.autoCommit(connection);
      }
    }
  }
}
