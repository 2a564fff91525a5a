package org.consentry.audit;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.consentry.audit.internal.Chain;
import org.consentry.audit.internal.Codec;
import org.consentry.audit.internal.Failures;
import org.consentry.audit.internal.Jdbc;
import org.consentry.audit.internal.Pruner;
import org.consentry.audit.internal.Queries;
import org.consentry.audit.internal.Schema;
import org.consentry.audit.internal.Verifier;
import org.consentry.audit.internal.Writer;

/**
 * The durable, tamper-evident audit store: one instance per server node, several nodes may share
 * one PostgreSQL database.
 *
 * <p><b>Writing.</b> {@link #append} only enqueues; one background thread writes what is queued in
 * one transaction per batch, at most a flush interval (default 200 ms, never above 1 s) after it
 * was appended while the database keeps up. Each record is chained by SHA-256 to the one before it
 * (seq 1, 2, 3, ... without gaps, one chain across nodes: each batch takes a PostgreSQL advisory
 * lock and continues from the stored head), the head is re-signed (HMAC-SHA256 under the checkpoint
 * key) with every batch, and a signed checkpoint is kept every {@link
 * AuditSettings#checkpointEvery()} records or {@link AuditSettings#checkpointInterval()}, and on
 * {@link #close()}.
 *
 * <p><b>Failing closed.</b> While a batch cannot be written (database unreachable, disk full, the
 * chain found changed behind the store's back, ...), {@link #healthy()} is false and {@link
 * #problem()} says why; the batch stays in memory and is retried, in order, with the records
 * appended meanwhile, until the queue capacity is reached: then {@code append} throws {@link
 * AuditUnavailableException}. The server refuses to serve patient data while not healthy. A crash
 * loses what was appended and not yet written (at most about one flush interval when healthy).
 *
 * <p><b>Reading.</b> The queries read the database (what was written, not what is queued), newest
 * first; times are {@code from} inclusive and {@code to} exclusive, null for open. They throw
 * {@link AuditUnavailableException} if the database fails. {@link #verify()} recomputes the chain,
 * {@link #prune} deletes old records and keeps the rest verifiable. See the module's README.md.
 */
public final class AuditLog implements AutoCloseable {

  private final DataSource dataSource;
  private final SecretKey key;
  private final Writer writer;
  private final Queries queries;
  private final Pruner pruner;

  /**
   * Creates the tables if absent and starts the writer.
   *
   * @param checkpointKey the HMAC-SHA256 key that signs checkpoints and the head (at least 32
   *     bytes; the same on every node; verification needs it)
   * @throws AuditUnavailableException if the tables cannot be created (database unreachable)
   * @throws IllegalArgumentException if the key is too short or not raw
   */
  public AuditLog(DataSource dataSource, SecretKey checkpointKey, AuditSettings settings) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.key = Objects.requireNonNull(checkpointKey, "checkpointKey");
    Objects.requireNonNull(settings, "settings");
    Codec codec = new Codec(checkpointKey);
    try {
      Schema.create(dataSource);
    } catch (SQLException e) {
      throw new AuditUnavailableException(Failures.describe("creating the audit tables", e), e);
    }
    Instant started = Codec.now();
    Chain chain = new Chain(dataSource, codec, settings, started);
    this.writer = new Writer(chain, settings, started);
    this.queries = new Queries(dataSource);
    this.pruner = new Pruner(dataSource, checkpointKey, chain);
    writer.start();
  }

  /**
   * Queues {@code record} for writing and returns at once; its {@code seq} is ignored (the store
   * assigns it).
   *
   * @throws AuditUnavailableException if the queue is at capacity (the database has not been
   *     writable for a while) or the log is closed
   */
  public void append(AuditRecord record) {
    writer.append(record);
  }

  /**
   * Waits until every record appended before this call is written (committed).
   *
   * @throws AuditUnavailableException if the write failed (the records stay queued and are retried)
   *     or the log was closed first
   */
  public void flush() {
    writer.flush();
  }

  /**
   * Writes everything queued (retrying for {@link AuditSettings#closeTimeout()} if the database
   * fails), signs a last checkpoint and stops the writer. Later appends are refused.
   *
   * @throws AuditUnavailableException if records could still not be written (they are lost; the
   *     message says how many)
   */
  @Override
  public void close() {
    writer.close();
  }

  /** True while records can be written: the last write succeeded and the queue has room. */
  public boolean healthy() {
    return writer.problem().isEmpty();
  }

  /** Why the store is not healthy, in one line saying what to fix; empty when healthy. */
  public Optional<String> problem() {
    return writer.problem();
  }

  /** Records appended and not yet written (queued or waiting for a retry). */
  public int pending() {
    return writer.held();
  }

  /** The records concerning patient {@code patientId}, newest first. */
  public List<AuditRecord> byPatient(
      String patientId, Instant from, Instant to, int offset, int limit) {
    return read(() -> queries.byPatient(patientId, from, to, offset, limit));
  }

  /** How many records {@link #byPatient} finds in total. */
  public long countByPatient(String patientId, Instant from, Instant to) {
    return read(() -> queries.countByPatient(patientId, from, to));
  }

  /** All records, or those of one agent if {@code agentOrNull} is given, newest first. */
  public List<AuditRecord> all(
      Instant from, Instant to, String agentOrNull, int offset, int limit) {
    return read(() -> queries.all(from, to, agentOrNull, offset, limit));
  }

  /** How many records {@link #all} finds in total. */
  public long countAll(Instant from, Instant to, String agentOrNull) {
    return read(() -> queries.countAll(from, to, agentOrNull));
  }

  /** The record at {@code seq}, if written and not pruned. */
  public Optional<AuditRecord> bySeq(long seq) {
    return read(() -> queries.bySeq(seq));
  }

  /**
   * Recomputes the chain from its start (seq 1, or the newest prune anchor) and checks every
   * checkpoint and the head, reading rows a few hundred at a time in one snapshot. Reports the
   * first problem; never throws for a tampered log.
   *
   * @throws AuditUnavailableException if the database cannot be read
   */
  public VerificationReport verify() {
    return read(() -> Jdbc.inSnapshot(dataSource, c -> new Verifier(new Codec(key)).verify(c)));
  }

  /**
   * Deletes the oldest records, those before the first record recorded at or after {@code before}
   * (the newest record is always kept), after signing a prune anchor at the last one deleted, from
   * which {@link #verify()} then starts. Records appended out of time order keep the ones after
   * them until a later prune.
   *
   * @return the number of records deleted
   * @throws IllegalStateException if the records to delete do not verify (pruning them would erase
   *     the evidence; the message holds the verification text)
   * @throws AuditUnavailableException if the database fails
   */
  public long prune(Instant before) {
    Objects.requireNonNull(before, "before");
    return read(() -> pruner.prune(before));
  }

  private interface Read<T> {
    T get() throws SQLException;
  }

  private static <T> T read(Read<T> read) {
    try {
      return read.get();
    } catch (SQLException e) {
      throw new AuditUnavailableException(Failures.describe("reading the audit log", e), e);
    }
  }
}
