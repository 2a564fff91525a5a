package org.consentry.audit.internal;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.consentry.audit.AuditRecord;

/** Reading and binding the tables' columns. */
final class Rows {

  /** The record columns in the order {@link #record} reads them. */
  static final String RECORD_COLUMNS = "seq, recorded, patients, kind, agent, json";

  /** The checkpoint columns in the order {@link #checkpoint} reads them. */
  static final String CHECKPOINT_COLUMNS = "seq, hash, created, anchor, mac";

  /**
   * The head, or a checkpoint ({@code anchor} false for the head). Any field but {@code seq} may be
   * null if someone set a column to NULL: such a row never verifies.
   */
  record Signed(long seq, byte[] hash, Instant created, boolean anchor, byte[] mac) {}

  private Rows() {}

  static AuditRecord record(ResultSet rs) throws SQLException {
    Array patients = rs.getArray(3);
    String[] ids = (String[]) patients.getArray();
    patients.free();
    return new AuditRecord(
        rs.getLong(1),
        instant(rs, 2),
        List.of(ids),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6));
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static void bind(PreparedStatement statement, int index, Instant instant) throws SQLException {
    statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /** Reads {@code seq, hash, created, anchor, mac} of a checkpoint. */
  static Signed checkpoint(ResultSet rs) throws SQLException {
    return new Signed(
        rs.getLong(1), rs.getBytes(2), instant(rs, 3), rs.getBoolean(4), rs.getBytes(5));
  }
}
