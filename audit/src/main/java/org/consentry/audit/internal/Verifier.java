package org.consentry.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.VerificationReport;
import org.consentry.audit.VerificationReport.Kind;
import org.consentry.audit.VerificationReport.Problem;

/**
 * Recomputes the chain from its start (seq 1, or the newest prune anchor) in seq order, checking
 * every checkpoint on the way and the signed head at the end, and stops at the first problem.
 * Records and checkpoints are two cursors read a few hundred rows at a time (the caller runs it in
 * a read-only, repeatable-read transaction, so both see one snapshot): memory does not grow with
 * the log.
 */
public final class Verifier {

  private static final int FETCH_SIZE = 256;

  /** The report, and the stored hash of the last record checked (for prune). */
  public record Outcome(VerificationReport report, byte[] lastHash) {}

  /** A record row; {@code record} is null if its columns no longer make a valid record. */
  private record Stored(long seq, AuditRecord record, byte[] hash) {}

  private final Codec codec;

  public Verifier(Codec codec) {
    this.codec = codec;
  }

  /** The whole log and its head. */
  public VerificationReport verify(Connection connection) throws SQLException {
    return new Run(connection, Long.MAX_VALUE, true).go().report();
  }

  /** The records up to {@code upTo}, which must all be there; the head is not checked. */
  public Outcome verifyUpTo(Connection connection, long upTo) throws SQLException {
    return new Run(connection, upTo, false).go();
  }

  private final class Run {
    private final Connection connection;
    private final long upTo;
    private final boolean withHead;
    private long start;
    private byte[] prev = Codec.GENESIS;
    private long checked;
    private long lastSeq;
    private Rows.Signed lastGood;
    private Problem problem;
    private Rows.Signed head;
    private boolean headValid;
    private ResultSet checkpoints;
    private Rows.Signed checkpoint;

    Run(Connection connection, long upTo, boolean withHead) {
      this.connection = connection;
      this.upTo = upTo;
      this.withHead = withHead;
    }

    Outcome go() throws SQLException {
      if (withHead) {
        head = Chain.head(connection);
        headValid = head != null && codec.headSigned(head);
      }
      Rows.Signed anchor = anchor();
      if (anchor != null) {
        if (!signed(anchor)) {
          fail(anchor.seq(), Kind.CHECKPOINT_FORGED, "the prune anchor is not signed by the key");
          return outcome();
        }
        start = anchor.seq();
        prev = anchor.hash();
        lastGood = anchor;
      }
      lastSeq = start;
      try (PreparedStatement records = cursor(Rows.RECORD_COLUMNS + ", hash", Schema.RECORD);
          PreparedStatement signed = cursor(Rows.CHECKPOINT_COLUMNS, Schema.CHECKPOINT)) {
        ResultSet rs = records.executeQuery();
        checkpoints = signed.executeQuery();
        checkpoint = nextCheckpoint();
        for (Stored row = next(rs); row != null; row = next(rs)) {
          if (!step(row, rs)) {
            return outcome();
          }
        }
        end();
      }
      return outcome();
    }

    private PreparedStatement cursor(String columns, String table) throws SQLException {
      PreparedStatement statement =
          connection.prepareStatement(
              "SELECT " + columns + " FROM " + table + " WHERE seq > ? AND seq <= ? ORDER BY seq");
      statement.setFetchSize(FETCH_SIZE);
      statement.setLong(1, start);
      statement.setLong(2, upTo);
      return statement;
    }

    private boolean step(Stored row, ResultSet rs) throws SQLException {
      long seq = row.seq();
      if (seq != lastSeq + 1) {
        fail(lastSeq + 1, Kind.DELETED, missing(lastSeq + 1, seq - 1) + " (a gap in seq)");
        return false;
      }
      if (headValid && seq > head.seq()) {
        fail(seq, Kind.INSERTED_OR_REORDERED, afterHead());
        return false;
      }
      if (row.record() == null) {
        fail(seq, Kind.ALTERED, "its columns no longer make a valid record: it was changed");
        return false;
      }
      if (!Codec.same(codec.hash(prev, row.record()), row.hash())) {
        classify(row, next(rs));
        return false;
      }
      for (; checkpoint != null && checkpoint.seq() <= seq; checkpoint = nextCheckpoint()) {
        if (checkpoint.seq() == seq && !holds(checkpoint, row.hash())) {
          return false;
        }
      }
      prev = row.hash();
      checked++;
      lastSeq = seq;
      return true;
    }

    /** The record at {@code row.seq} does not hash to its stored hash after {@code prev}. */
    private void classify(Stored row, Stored next) {
      long seq = row.seq();
      boolean storedHashContinues =
          row.hash() != null
              && ((next != null
                      && next.record() != null
                      && next.seq() == seq + 1
                      && Codec.same(codec.hash(row.hash(), next.record()), next.hash()))
                  || (checkpoint != null
                      && checkpoint.seq() == seq
                      && signed(checkpoint)
                      && Codec.same(checkpoint.hash(), row.hash()))
                  || (headValid && head.seq() == seq && Codec.same(head.hash(), row.hash())));
      if (storedHashContinues) {
        fail(
            seq,
            Kind.ALTERED,
            "its content no longer matches its hash, from which the chain continues: it was changed"
                + " in place");
      } else {
        fail(
            seq,
            Kind.INSERTED_OR_REORDERED,
            "its hash does not continue the chain from seq "
                + (seq - 1)
                + ": a record was inserted here or records were moved");
      }
    }

    private boolean holds(Rows.Signed signed, byte[] hash) {
      if (!signed(signed)) {
        fail(signed.seq(), Kind.CHECKPOINT_FORGED, "the checkpoint is not signed by the key");
        return false;
      }
      if (!Codec.same(signed.hash(), hash)) {
        fail(signed.seq(), Kind.CHECKPOINT_MISMATCH, mismatch("the checkpoint", signed.seq()));
        return false;
      }
      lastGood = signed;
      return true;
    }

    /** After the last record: checkpoints beyond it, the end of a bounded range, the head. */
    private void end() {
      long next = lastSeq + 1;
      if (checkpoint != null) {
        if (!signed(checkpoint)) {
          fail(checkpoint.seq(), Kind.CHECKPOINT_FORGED, "the checkpoint is not signed by the key");
        } else {
          fail(
              next,
              Kind.DELETED,
              missing(next, checkpoint.seq()) + " from the end; a signed checkpoint covers them");
        }
      } else if (upTo != Long.MAX_VALUE && lastSeq < upTo) {
        fail(next, Kind.DELETED, missing(next, upTo));
      } else if (withHead && head == null && lastSeq > 0) {
        fail(lastSeq, Kind.HEAD_MISSING, "records exist but the signed head is gone");
      } else if (withHead && head != null && !headValid) {
        fail(head.seq(), Kind.CHECKPOINT_FORGED, "the head is not signed by the key");
      } else if (headValid && head.seq() > lastSeq) {
        fail(
            next,
            Kind.DELETED,
            missing(next, head.seq()) + " from the end; the signed head names them");
      } else if (headValid && head.seq() < lastSeq) {
        fail(head.seq() + 1, Kind.INSERTED_OR_REORDERED, afterHead());
      } else if (headValid && !Codec.same(head.hash(), prev)) {
        fail(head.seq(), Kind.CHECKPOINT_MISMATCH, mismatch("the signed head", head.seq()));
      }
    }

    private String afterHead() {
      return "it lies after the signed head (seq "
          + head.seq()
          + "): it was appended without the key, not by Consentry";
    }

    private String mismatch(String what, long seq) {
      return what
          + " holds another hash than the chain recomputed up to it: a record "
          + (lastGood == null
              ? "at or before seq " + seq
              : "between seq " + (lastGood.seq() + 1) + " and " + seq)
          + " was changed and every later hash recomputed";
    }

    private String missing(long from, long to) {
      return from == to
          ? "record " + from + " is missing"
          : "records " + from + " to " + to + " are missing";
    }

    private boolean signed(Rows.Signed signed) {
      return codec.checkpointSigned(signed);
    }

    private Rows.Signed anchor() throws SQLException {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT "
                  + Rows.CHECKPOINT_COLUMNS
                  + " FROM "
                  + Schema.CHECKPOINT
                  + " WHERE anchor AND seq <= ? ORDER BY seq DESC LIMIT 1")) {
        statement.setLong(1, upTo);
        try (ResultSet rs = statement.executeQuery()) {
          return rs.next() ? Rows.checkpoint(rs) : null;
        }
      }
    }

    private Stored next(ResultSet rs) throws SQLException {
      if (!rs.next()) {
        return null;
      }
      AuditRecord record;
      try {
        record = Rows.record(rs);
      } catch (RuntimeException e) {
        record = null; // a NULL, or a value a record refuses, written behind the store's back
      }
      return new Stored(rs.getLong(1), record, rs.getBytes(7));
    }

    private Rows.Signed nextCheckpoint() throws SQLException {
      return checkpoints.next() ? Rows.checkpoint(checkpoints) : null;
    }

    private void fail(long seq, Kind kind, String detail) {
      problem = new Problem(seq, kind, detail);
    }

    private Outcome outcome() {
      VerificationReport.Checkpoint good =
          lastGood == null
              ? null
              : new VerificationReport.Checkpoint(
                  lastGood.seq(), lastGood.created(), lastGood.anchor());
      return new Outcome(
          new VerificationReport(
              checked,
              start,
              lastSeq,
              problem,
              good,
              ReportText.of(checked, start, lastSeq, problem, good, withHead)),
          prev);
    }
  }
}
