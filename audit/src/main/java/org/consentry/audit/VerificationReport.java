package org.consentry.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link AuditLog#verify()} found.
 *
 * @param checked records whose hash was recomputed and matched, from the start of the chain (seq 1,
 *     or the prune anchor after a prune) up to the first problem
 * @param start the seq the check started after: 0, or the seq of the prune anchor
 * @param lastSeq the highest seq checked successfully (equal to {@code start} if none)
 * @param problem the first problem in chain order, or null if the log is intact
 * @param lastGoodCheckpoint the last signed checkpoint that matched the recomputed chain before the
 *     first problem (the prune anchor counts), or null if none did; what lies at or before it is
 *     known to be as written
 * @param text one paragraph for people: what was checked, what is wrong, what still holds
 */
public record VerificationReport(
    long checked,
    long start,
    long lastSeq,
    Problem problem,
    Checkpoint lastGoodCheckpoint,
    String text) {

  /** True if no problem was found: every record chains and every checkpoint and the head hold. */
  public boolean intact() {
    return problem == null;
  }

  public Optional<Problem> firstProblem() {
    return Optional.ofNullable(problem);
  }

  public Optional<Checkpoint> lastGood() {
    return Optional.ofNullable(lastGoodCheckpoint);
  }

  /** The first thing found wrong, at {@code seq}, with a one-line {@code detail}. */
  public record Problem(long seq, Kind kind, String detail) {}

  /** A signed checkpoint: the chain's hash at {@code seq}, signed at {@code created}. */
  public record Checkpoint(long seq, Instant created, boolean pruneAnchor) {}

  /** What kind of change the first problem shows. */
  public enum Kind {
    /**
     * The record's content no longer matches its stored hash, and the next record still chains from
     * that stored hash: the content was changed in place.
     */
    ALTERED,
    /**
     * The record at this seq is missing: a gap in seq, or records at the end of the log that a
     * checkpoint or the signed head still covers.
     */
    DELETED,
    /**
     * The record's hash does not continue the chain from the record before it: a row inserted or
     * moved to another seq; also rows after the signed head (appended without the key).
     */
    INSERTED_OR_REORDERED,
    /**
     * A checkpoint's (or the head's) signature does not match: written or changed without the key,
     * or signed under a different key.
     */
    CHECKPOINT_FORGED,
    /**
     * A correctly signed checkpoint (or the head) holds a hash other than the recomputed chain at
     * its seq: some record at or before it, after the last good checkpoint, was changed and the
     * later hashes recomputed.
     */
    CHECKPOINT_MISMATCH,
    /** Records exist but the signed head (written with every batch) is gone. */
    HEAD_MISSING
  }
}
