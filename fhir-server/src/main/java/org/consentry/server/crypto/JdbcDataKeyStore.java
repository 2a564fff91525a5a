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
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The wrapped data keys in PostgreSQL, in two tables of their own, created if absent:
 *
 * <pre>
 * consentry_data_key(key_id, version, kek_version, wrapped bytea (60 bytes), created_at, PRIMARY KEY (key_id, version))
 * consentry_destroyed_key(key_id PRIMARY KEY, destroyed_at)
 * consentry_key_change(generation, key_id, changed_at): destructions and rotations, by the
 *     {@link Topic#KEYS} generation that announced them to other nodes
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
    update(
        "CREATE TABLE IF NOT EXISTS consentry_key_change (generation bigint NOT NULL,"
            + " key_id varchar(255) NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (generation, key_id))");
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
    String sql =
        "INSERT INTO consentry_data_key (key_id, version, kek_version, wrapped, created_at)"
            + " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM consentry_destroyed_key WHERE key_id = ?)"
            + " ON CONFLICT (key_id, version) DO NOTHING";
    Object[] args = {
      key.keyId(),
      key.version(),
      key.kekVersion(),
      key.wrapped(),
      Timestamp.from(key.createdAt()),
      key.keyId()
    };
    if (key.version() == 1) {
      return update(sql, args) == 1; // a first key: no node can have cached another version
    }
    // a rotation: other nodes must stop encrypting under the version they cached
    return inTransaction(
        connection -> {
          boolean inserted = execute(connection, sql, args) == 1;
          if (inserted) {
            logChange(connection, key.keyId());
          }
          return inserted;
        });
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
   * Remembering the id, deleting its keys and logging the change for other nodes commit together:
   * there is no moment where neither holds.
   */
  @Override
  public void destroy(String keyId) {
    inTransaction(
        connection -> {
          execute(
              connection,
              "INSERT INTO consentry_destroyed_key (key_id) VALUES (?) ON CONFLICT DO NOTHING",
              keyId);
          execute(connection, "DELETE FROM consentry_data_key WHERE key_id = ?", keyId);
          logChange(connection, keyId);
          return null;
        });
  }

  /**
   * The key ids destroyed or rotated at generations {@code (after, upTo]} of {@link Topic#KEYS}:
   * what other nodes drop from their caches.
   */
  List<String> changedSince(long after, long upTo) {
    return query(
        "SELECT DISTINCT key_id FROM consentry_key_change WHERE generation > ? AND generation <= ?",
        rs -> rs.getString(1),
        after,
        upTo);
  }

  private static void logChange(Connection connection, String keyId) throws SQLException {
    long generation = Generations.bump(connection, Topic.KEYS);
    execute(
        connection,
        "INSERT INTO consentry_key_change (generation, key_id) VALUES (?, ?)",
        generation,
        keyId);
    if (generation % 1000 == 0) {
      // a node that was away longer than this reloads every key anyway (see KeyRing's TTL)
      execute(
          connection,
          "DELETE FROM consentry_key_change WHERE changed_at < now() - interval '1 day'");
    }
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
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
