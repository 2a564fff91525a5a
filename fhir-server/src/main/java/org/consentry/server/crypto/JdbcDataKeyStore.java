package org.consentry.server.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.consentry.crypto.DataKeyStore;
import org.consentry.crypto.WrappedDataKey;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The wrapped data keys in PostgreSQL, in two tables of their own, created if absent:
 *
 * <pre>
 * consentry_data_key(key_id, version, kek_version, wrapped bytea (60 bytes), created_at, PRIMARY KEY (key_id, version))
 * consentry_destroyed_key(key_id PRIMARY KEY, destroyed_at)
 * </pre>
 *
 * <p>Insert-if-absent is one {@code INSERT ... ON CONFLICT DO NOTHING} guarded by a {@code NOT
 * EXISTS} on the destroyed table, so two nodes creating a patient's first key cannot both win, and
 * a destroyed key id never gets a key again.
 *
 * <p>Plain JDBC on connections taken straight from the pool, in auto-commit, deliberately outside
 * Spring's transaction binding: the key ring caches a key as soon as it is inserted, so the insert
 * must commit even if the HAPI write that needed the key rolls back (which costs one unused key
 * row, where joining HAPI's transaction could lose a key that cached data uses).
 */
final class JdbcDataKeyStore implements DataKeyStore {

  private final DataSource dataSource;

  JdbcDataKeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates the tables if absent; idempotent, safe for several nodes starting at once. */
  void createTables() {
    update(
        "CREATE TABLE IF NOT EXISTS consentry_data_key (key_id varchar(255) NOT NULL, version integer NOT NULL,"
            + " kek_version integer NOT NULL, wrapped bytea NOT NULL, created_at timestamptz NOT NULL,"
            + " PRIMARY KEY (key_id, version))");
    update(
        "CREATE TABLE IF NOT EXISTS consentry_destroyed_key (key_id varchar(255) PRIMARY KEY,"
            + " destroyed_at timestamptz NOT NULL DEFAULT now())");
  }

  @Override
  public Optional<WrappedDataKey> find(String keyId, int version) {
    return keys("SELECT * FROM consentry_data_key WHERE key_id = ? AND version = ?", keyId, version)
        .stream()
        .findFirst();
  }

  @Override
  public Optional<WrappedDataKey> latest(String keyId) {
    return keys(
            "SELECT * FROM consentry_data_key WHERE key_id = ? ORDER BY version DESC LIMIT 1",
            keyId)
        .stream()
        .findFirst();
  }

  @Override
  public List<WrappedDataKey> all() {
    return keys("SELECT * FROM consentry_data_key ORDER BY key_id, version");
  }

  /** Every key id that has a data key (for data-key rotation). */
  List<String> keyIds() {
    return query(
        "SELECT DISTINCT key_id FROM consentry_data_key ORDER BY key_id", rs -> rs.getString(1));
  }

  @Override
  public boolean insert(WrappedDataKey key) {
    return update(
            "INSERT INTO consentry_data_key (key_id, version, kek_version, wrapped, created_at)"
                + " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM consentry_destroyed_key WHERE key_id = ?)"
                + " ON CONFLICT (key_id, version) DO NOTHING",
            key.keyId(),
            key.version(),
            key.kekVersion(),
            key.wrapped(),
            Timestamp.from(key.createdAt()),
            key.keyId())
        == 1;
  }

  @Override
  public boolean update(WrappedDataKey key) {
    return update(
            "UPDATE consentry_data_key SET kek_version = ?, wrapped = ? WHERE key_id = ? AND version = ?",
            key.kekVersion(),
            key.wrapped(),
            key.keyId(),
            key.version())
        == 1;
  }

  /**
   * Remembering the id and deleting its keys commit together: there is no moment where neither
   * holds.
   */
  @Override
  public void destroy(String keyId) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        execute(
            connection,
            "INSERT INTO consentry_destroyed_key (key_id) VALUES (?) ON CONFLICT DO NOTHING",
            keyId);
        execute(connection, "DELETE FROM consentry_data_key WHERE key_id = ?", keyId);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public boolean isDestroyed(String keyId) {
    return !query("SELECT 1 FROM consentry_destroyed_key WHERE key_id = ?", rs -> 1, keyId)
        .isEmpty();
  }

  /** The highest KEK version any stored key is wrapped under (0 if none). */
  int highestKekVersion() {
    return query("SELECT coalesce(max(kek_version), 0) FROM consentry_data_key", rs -> rs.getInt(1))
        .get(0);
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private List<WrappedDataKey> keys(String sql, Object... args) {
    return query(
        sql,
        rs ->
            new WrappedDataKey(
                rs.getString("key_id"),
                rs.getInt("version"),
                rs.getInt("kek_version"),
                rs.getBytes("wrapped"),
                rs.getTimestamp("created_at").toInstant()),
        args);
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, args);
        ResultSet rs = statement.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(row.map(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection connection = dataSource.getConnection()) {
      return execute(connection, sql, args);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static int execute(Connection connection, String sql, Object... args)
      throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, args)) {
      return statement.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... args)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i]);
    }
    return statement;
  }

  private static DataAccessResourceFailureException failure(SQLException e) {
    return new DataAccessResourceFailureException("data-key store: " + e.getMessage(), e);
  }
}
