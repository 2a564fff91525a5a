package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs reads in one read-only, repeatable-read transaction (one snapshot for every query). */
public final class Jdbc {

  /** Work on a connection. */
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private Jdbc() {}

  public static <T> T inSnapshot(DataSource dataSource, Work<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      int isolation = connection.getTransactionIsolation();
      try {
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        return work.apply(connection);
      } finally {
        Chain.rollback(connection);
        try {
          connection.setReadOnly(false);
          connection.setTransactionIsolation(isolation);
        } catch (SQLException ignored) {
          // a broken connection; the pool discards it
        }
        Chain.autoCommit(connection);
      }
    }
  }
}
