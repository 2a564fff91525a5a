package org.consentry.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Work that must not run on two nodes at once for the same thing (an alert rule's evaluation for
 * one patient, say): a PostgreSQL session advisory lock named after it, held on a connection of its
 * own while the work runs and released after it, so whatever the work committed (and announced
 * after commit) is there before another node starts the same work.
 */
public final class ClusterLocks {

  private final DataSource dataSource;

  public ClusterLocks(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} holding the cluster-wide lock of {@code name}; waits for it if held. */
  public <T> T holding(String name, Supplier<T> work) {
    long key = key(name);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      call(connection, "SELECT pg_advisory_lock(?)", key);
      try {
        return work.get();
      } finally {
        call(connection, "SELECT pg_advisory_unlock(?)", key);
      }
    } catch (SQLException e) {
      throw new DataAccessResourceFailureException("the lock of " + name + " failed", e);
    }
  }

  /** The lock's 64-bit key: the first 8 bytes of the name's SHA-256. */
  static long key(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = key << 8 | (digest[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void call(Connection connection, String sql, long key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setLong(1, key);
      statement.execute();
    }
  }
}
