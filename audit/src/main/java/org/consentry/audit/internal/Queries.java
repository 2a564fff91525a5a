package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.consentry.audit.AuditRecord;

/**
 * Reads of the stored records, newest first ({@code recorded} descending, then seq descending).
 * Times: {@code from} inclusive, {@code to} exclusive, either null for open. A patient's records
 * are found through the GIN index on {@code patients} ({@code patients @> ARRAY[id]}), the others
 * through the indexes on {@code recorded} and {@code (agent, recorded)}.
 */
public final class Queries {

  private final DataSource dataSource;

  public Queries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<AuditRecord> byPatient(
      String patientId, Instant from, Instant to, int offset, int limit) throws SQLException {
    return list(Filter.patient(patientId, from, to), offset, limit);
  }

  public long countByPatient(String patientId, Instant from, Instant to) throws SQLException {
    return count(Filter.patient(patientId, from, to));
  }

  public List<AuditRecord> all(Instant from, Instant to, String agent, int offset, int limit)
      throws SQLException {
    return list(Filter.all(from, to, agent), offset, limit);
  }

  public long countAll(Instant from, Instant to, String agent) throws SQLException {
    return count(Filter.all(from, to, agent));
  }

  public Optional<AuditRecord> bySeq(long seq) throws SQLException {
    List<AuditRecord> found =
        query("SELECT " + Rows.RECORD_COLUMNS + " FROM " + Schema.RECORD + " WHERE seq = ?", seq);
    return found.stream().findFirst();
  }

  private List<AuditRecord> list(Filter filter, int offset, int limit) throws SQLException {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    List<Object> args = new ArrayList<>(filter.args);
    args.add(offset);
    args.add(limit);
    return query(
        "SELECT "
            + Rows.RECORD_COLUMNS
            + " FROM "
            + Schema.RECORD
            + filter.where
            + " ORDER BY recorded DESC, seq DESC OFFSET ? LIMIT ?",
        args.toArray());
  }

  private long count(Filter filter) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            prepare(
                connection,
                "SELECT count(*) FROM " + Schema.RECORD + filter.where,
                filter.args.toArray());
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<AuditRecord> query(String sql, Object... args) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = prepare(connection, sql, args);
        ResultSet rs = statement.executeQuery()) {
      List<AuditRecord> records = new ArrayList<>();
      while (rs.next()) {
        records.add(Rows.record(rs));
      }
      return records;
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object[] args)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Instant instant) {
        Rows.bind(statement, i + 1, instant);
      } else if (args[i] instanceof String[] array) {
        statement.setArray(i + 1, connection.createArrayOf("text", array));
      } else {
        statement.setObject(i + 1, args[i]);
      }
    }
    return statement;
  }

  /** A WHERE clause and its arguments. */
  private record Filter(String where, List<Object> args) {

    static Filter patient(String patientId, Instant from, Instant to) {
      if (patientId == null || patientId.isEmpty()) {
        throw new IllegalArgumentException("patient id required");
      }
      return build("patients @> ?", new String[] {patientId}, from, to);
    }

    static Filter all(Instant from, Instant to, String agent) {
      return build(agent == null ? null : "agent = ?", agent, from, to);
    }

    private static Filter build(String condition, Object value, Instant from, Instant to) {
      List<String> conditions = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      if (condition != null) {
        conditions.add(condition);
        args.add(value);
      }
      if (from != null) {
        conditions.add("recorded >= ?");
        args.add(from);
      }
      if (to != null) {
        conditions.add("recorded < ?");
        args.add(to);
      }
      String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
      return new Filter(where, args);
    }
  }
}
