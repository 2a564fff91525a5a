package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.crypto.SecretKey;
import javax.sql.DataSource;

/**
 * Deletes the oldest part of the chain, leaving it verifiable:
 *
 * <ol>
 *   <li>choose the cut {@code p}: the records before the first one recorded at or after {@code
 *       before} (the chain can only lose a prefix, so a late-recorded record keeps the ones after
 *       it), and never the newest record (the head names it);
 *   <li>verify the records up to {@code p} (refuse to prune what does not verify: that would erase
 *       the evidence);
 *   <li>in one short transaction under the chain lock, sign a checkpoint at {@code p} marked as
 *       prune anchor: verification starts from its hash from now on;
 *   <li>delete records up to {@code p} in chunks of 10,000 (each its own transaction) and the
 *       checkpoints before {@code p}. Interrupted, it leaves records below the anchor, which
 *       verification ignores and the next prune deletes.
 * </ol>
 */
public final class Pruner {

  private static final int CHUNK = 10_000;

  private final DataSource dataSource;
  private final SecretKey key;
  private final Chain chain;

  public Pruner(DataSource dataSource, SecretKey key, Chain chain) {
    this.dataSource = dataSource;
    this.key = key;
    this.chain = chain;
  }

  /** Returns the number of records deleted. */
  public long prune(Instant before) throws SQLException {
    long start;
    long last;
    long firstKept;
    try (Connection connection = dataSource.getConnection()) {
      start = single(connection, "SELECT max(seq) FROM " + Schema.CHECKPOINT + " WHERE anchor");
      last = single(connection, "SELECT max(seq) FROM " + Schema.RECORD);
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT seq FROM "
                  + Schema.RECORD
                  + " WHERE seq > ? AND recorded >= ? ORDER BY seq LIMIT 1")) {
        statement.setLong(1, start);
        Rows.bind(statement, 2, before);
        try (ResultSet rs = statement.executeQuery()) {
          firstKept = rs.next() ? rs.getLong(1) : last + 1;
        }
      }
    }
    long cut = Math.min(firstKept - 1, last - 1);
    if (cut <= start) {
      return 0;
    }
    Verifier.Outcome outcome =
        Jdbc.inSnapshot(dataSource, c -> new Verifier(new Codec(key)).verifyUpTo(c, cut));
    if (!outcome.report().intact()) {
      throw new IllegalStateException(
          "prune refused: the records to prune do not verify, and pruning them would erase the"
              + " evidence. "
              + outcome.report().text());
    }
    anchor(cut, outcome.lastHash());
    return delete(cut);
  }

  private void anchor(long cut, byte[] verifiedHash) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Chain.lock(connection);
        byte[] hash;
        try (PreparedStatement statement =
            connection.prepareStatement("SELECT hash FROM " + Schema.RECORD + " WHERE seq = ?")) {
          statement.setLong(1, cut);
          try (ResultSet rs = statement.executeQuery()) {
            hash = rs.next() ? rs.getBytes(1) : null;
          }
        }
        if (!Codec.same(hash, verifiedHash)) {
          throw new IllegalStateException(
              "prune refused: record " + cut + " changed while it was being verified");
        }
        chain.insertCheckpoint(connection, cut, hash, Codec.now(), true);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        Chain.rollback(connection);
        throw e;
      } finally {
        Chain.autoCommit(connection);
      }
    }
  }

  private long delete(long cut) throws SQLException {
    long deleted = 0;
    try (Connection connection = dataSource.getConnection()) {
      long low = single(connection, "SELECT min(seq) FROM " + Schema.RECORD);
      try (PreparedStatement records =
          connection.prepareStatement("DELETE FROM " + Schema.RECORD + " WHERE seq <= ?")) {
        for (long upTo = Math.min(low + CHUNK - 1, cut); ; upTo = Math.min(upTo + CHUNK, cut)) {
          records.setLong(1, upTo);
          deleted += records.executeUpdate();
          if (upTo == cut) {
            break;
          }
        }
      }
      try (PreparedStatement checkpoints =
          connection.prepareStatement("DELETE FROM " + Schema.CHECKPOINT + " WHERE seq < ?")) {
        checkpoints.setLong(1, cut);
        checkpoints.executeUpdate();
      }
    }
    return deleted;
  }

  private static long single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0; // max()/min() of nothing: NULL, read as 0
    }
  }
}
