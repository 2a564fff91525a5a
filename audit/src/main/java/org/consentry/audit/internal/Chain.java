package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.AuditSettings;

/**
 * Appends a batch to the chain in one transaction:
 *
 * <ol>
 *   <li>take the transaction-scoped advisory lock {@link #LOCK} (nodes sharing the database write
 *       one after the other, so the chain stays one line);
 *   <li>read the signed head (seq, hash) and the last record, and refuse to continue unless the
 *       head's signature holds and the last record is the one it names ({@link
 *       ChainBrokenException}: rows were added, removed or changed outside Consentry, or this node
 *       has another key);
 *   <li>insert the batch at head+1, head+2, ..., each hash chained on the one before;
 *   <li>re-sign the head; write a signed checkpoint if one is due (or {@code force}).
 * </ol>
 *
 * Because every batch re-signs the head in the same transaction, a row appended by someone without
 * the key, or a row removed from the end, is noticed by the next batch and by verification.
 */
public final class Chain {

  /** The advisory-lock key of the audit chain ("consentr" in ASCII). */
  public static final long LOCK = 0x636f6e73656e7472L;

  private static final String HINT =
      "; writes are held until this is resolved: run `consentry audit verify` (see"
          + " audit/README.md, \"When the writer stops\")";

  /** After a write: the head, and the newest checkpoint (null if none). */
  public record Written(long head, long checkpointSeq, Instant checkpointCreated) {}

  private final DataSource dataSource;
  private final Codec codec;
  private final AuditSettings settings;
  private final Instant startedAt;

  public Chain(DataSource dataSource, Codec codec, AuditSettings settings, Instant startedAt) {
    this.dataSource = dataSource;
    this.codec = codec;
    this.settings = settings;
    this.startedAt = startedAt;
  }

  /** Writes {@code batch} (may be empty: then only a due checkpoint is written). */
  public Written write(List<AuditRecord> batch, boolean forceCheckpoint)
      throws SQLException, ChainBrokenException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Written written = write(connection, batch, forceCheckpoint);
        connection.commit();
        return written;
      } catch (SQLException | ChainBrokenException | RuntimeException e) {
        rollback(connection);
        throw e;
      } finally {
        autoCommit(connection);
      }
    }
  }

  private Written write(Connection connection, List<AuditRecord> batch, boolean force)
      throws SQLException, ChainBrokenException {
    lock(connection);
    Rows.Signed head = head(connection);
    checkHead(connection, head);
    long seq = head == null ? 0 : head.seq();
    byte[] hash = head == null ? Codec.GENESIS : head.hash();
    if (!batch.isEmpty()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + Schema.RECORD
                  + " (seq, recorded, patients, kind, agent, json, hash)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (AuditRecord record : batch) {
          AuditRecord chained = record.withSeq(++seq);
          hash = codec.hash(hash, chained);
          insert.setLong(1, seq);
          Rows.bind(insert, 2, chained.recorded());
          insert.setArray(
              3, connection.createArrayOf("text", chained.patients().toArray(String[]::new)));
          insert.setString(4, chained.kind());
          insert.setString(5, chained.agent());
          insert.setString(6, chained.json());
          insert.setBytes(7, hash);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      writeHead(connection, seq, hash);
    }
    Rows.Signed last = lastCheckpoint(connection);
    long lastSeq = last == null ? 0 : last.seq();
    Instant lastCreated = last == null ? startedAt : last.created();
    Instant now = Codec.now();
    boolean due =
        seq > lastSeq
            && (force
                || seq - lastSeq >= settings.checkpointEvery()
                || Duration.between(lastCreated, now).compareTo(settings.checkpointInterval())
                    >= 0);
    if (due) {
      insertCheckpoint(connection, seq, hash, now, false);
      return new Written(seq, seq, now);
    }
    return new Written(seq, lastSeq, last == null ? null : last.created());
  }

  static void lock(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
    }
  }

  static Rows.Signed head(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT seq, hash, updated, false, mac FROM " + Schema.HEAD + " WHERE id = 1")) {
      return rs.next() ? Rows.checkpoint(rs) : null;
    }
  }

  private void checkHead(Connection connection, Rows.Signed head)
      throws SQLException, ChainBrokenException {
    long lastSeq = 0;
    byte[] lastHash = null;
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT seq, hash FROM " + Schema.RECORD + " ORDER BY seq DESC LIMIT 1")) {
      if (rs.next()) {
        lastSeq = rs.getLong(1);
        lastHash = rs.getBytes(2);
      }
    }
    if (head == null) {
      if (lastHash != null) {
        throw new ChainBrokenException(
            "the audit log's signed head is missing although records exist (up to seq "
                + lastSeq
                + ")"
                + HINT);
      }
      return;
    }
    if (!codec.headSigned(head)) {
      throw new ChainBrokenException(
          "the audit log's signed head does not verify under this node's audit key (changed"
              + " outside Consentry, or the nodes are configured with different keys)"
              + HINT);
    }
    if (lastSeq != head.seq() || !Codec.same(lastHash, head.hash())) {
      throw new ChainBrokenException(
          "the audit log's last record (seq "
              + lastSeq
              + ") is not the one its signed head names (seq "
              + head.seq()
              + "): records were added, removed or changed outside Consentry"
              + HINT);
    }
  }

  private void writeHead(Connection connection, long seq, byte[] hash) throws SQLException {
    Instant now = Codec.now();
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO "
                + Schema.HEAD
                + " (id, seq, hash, updated, mac) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
                + " SET seq = excluded.seq, hash = excluded.hash, updated = excluded.updated,"
                + " mac = excluded.mac")) {
      upsert.setLong(1, seq);
      upsert.setBytes(2, hash);
      Rows.bind(upsert, 3, now);
      upsert.setBytes(4, codec.headMac(seq, hash, now));
      upsert.executeUpdate();
    }
  }

  static Rows.Signed lastCheckpoint(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT "
                    + Rows.CHECKPOINT_COLUMNS
                    + " FROM "
                    + Schema.CHECKPOINT
                    + " ORDER BY seq DESC LIMIT 1")) {
      return rs.next() ? Rows.checkpoint(rs) : null;
    }
  }

  /** Inserts (or, at the same seq, replaces) a signed checkpoint. */
  void insertCheckpoint(Connection connection, long seq, byte[] hash, Instant now, boolean anchor)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + Schema.CHECKPOINT
                + " (seq, hash, created, anchor, mac) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO"
                + " UPDATE SET hash = excluded.hash, created = excluded.created,"
                + " anchor = excluded.anchor, mac = excluded.mac")) {
      insert.setLong(1, seq);
      insert.setBytes(2, hash);
      Rows.bind(insert, 3, now);
      insert.setBoolean(4, anchor);
      insert.setBytes(5, codec.checkpointMac(seq, hash, now, anchor));
      insert.executeUpdate();
    }
  }

  /** Back to auto-commit for the pool; a broken connection is left to the pool to discard. */
  static void autoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the pool validates it before reuse
    }
  }

  static void rollback(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the transaction is gone with it
    }
  }
}
