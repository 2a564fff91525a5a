package org.consentry.audit.internal;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * One-line descriptions of failures for {@code problem()} and exception messages: what failed, the
 * database's primary message, what to fix. Never SQL text or record contents (a batch failure's own
 * message quotes the statement with its values, so only the underlying error's first line is kept,
 * and dropped if it still looks like SQL).
 */
public final class Failures {

  private Failures() {}

  public static String describe(String action, Throwable failure) {
    if (failure instanceof ChainBrokenException broken) {
      return action + ": " + broken.getMessage();
    }
    if (!(failure instanceof SQLException sql)) {
      return action + " failed (" + failure.getClass().getSimpleName() + "): see the server log";
    }
    SQLException root = root(sql);
    String state = root.getSQLState() == null ? "" : root.getSQLState();
    String message = primaryMessage(root);
    String said = message.isEmpty() ? "SQLSTATE " + state : message + ", SQLSTATE " + state;
    if (state.startsWith("08")
        || state.startsWith("57P")
        || root instanceof SQLTransientConnectionException
        || root instanceof SQLNonTransientConnectionException) {
      return action
          + ": cannot reach the audit database ("
          + said
          + "); check that PostgreSQL is running and reachable";
    }
    if (state.startsWith("53")) {
      return action
          + ": the audit database is out of resources ("
          + said
          + "); free disk space or connections";
    }
    if (state.startsWith("42") || state.startsWith("28")) {
      return action
          + ": the audit database refused access ("
          + said
          + "); check that the audit tables exist and the database user may write them";
    }
    if (state.startsWith("25")) {
      return action + ": the audit database is read-only (" + said + "); point it at the primary";
    }
    return action + " failed (" + said + "); see the database log";
  }

  private static SQLException root(SQLException e) {
    SQLException current = e;
    for (int i = 0; i < 10 && current instanceof BatchUpdateException; i++) {
      SQLException next = current.getNextException();
      if (next == null) {
        return current;
      }
      current = next;
    }
    return current;
  }

  private static String primaryMessage(SQLException e) {
    if (e instanceof BatchUpdateException || e.getMessage() == null) {
      return "";
    }
    String line = e.getMessage().strip().lines().findFirst().orElse("");
    String upper = line.toUpperCase(Locale.ROOT);
    for (String sql : new String[] {"INSERT ", "SELECT ", "UPDATE ", "DELETE ", "VALUES"}) {
      if (upper.contains(sql)) {
        return "";
      }
    }
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
