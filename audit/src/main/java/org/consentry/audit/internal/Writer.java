package org.consentry.audit.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.AuditSettings;
import org.consentry.audit.AuditUnavailableException;

/**
 * The queue and its single writer thread. {@code append} is a lock-free enqueue; the thread wakes
 * every flush interval (or when asked to flush, or at once while a full batch waits) and writes up
 * to {@code maxBatch} records in one {@link Chain#write} transaction. A failed batch stays in
 * memory and is retried (every second, or at the next {@code flush()}), in order, until written;
 * meanwhile new records queue behind it up to the capacity.
 *
 * <p>{@link #held} counts the records accepted and not yet written (queued or pending retry), with
 * bit {@link #CLOSED} set once closing began: an append either got its count in before that bit
 * (and the writer waits for it) or is refused.
 */
public final class Writer {

  private static final System.Logger LOG = System.getLogger("org.consentry.audit");
  private static final int CLOSED = 1 << 30;
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Chain chain;
  private final AuditSettings settings;
  private final ConcurrentLinkedQueue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final Thread thread;
  private final Object monitor = new Object();

  // guarded by monitor
  private long written;
  private long attempts;
  private boolean flushRequested;
  private boolean stopping;
  private long stopDeadline;
  private boolean finished;
  private volatile String failure;

  // the writer thread's own
  private final List<AuditRecord> pending = new ArrayList<>();
  private Instant lastCheckpoint;
  private boolean uncheckpointed = true;

  public Writer(Chain chain, AuditSettings settings, Instant startedAt) {
    this.chain = chain;
    this.settings = settings;
    this.lastCheckpoint = startedAt;
    this.thread = new Thread(this::run, "consentry-audit-writer");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void append(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    while (true) {
      int n = held.get();
      if ((n & CLOSED) != 0) {
        throw new AuditUnavailableException(
            "the audit log is closed (the server is shutting down)");
      }
      if (n >= settings.queueCapacity()) {
        throw new AuditUnavailableException(problem().orElse("the audit queue is full"));
      }
      if (held.compareAndSet(n, n + 1)) {
        break;
      }
    }
    queue.add(record);
    accepted.incrementAndGet();
  }

  /** Returns once every record appended before the call is written; throws if a write failed. */
  public void flush() {
    long target = accepted.get();
    synchronized (monitor) {
      while (written < target) {
        if (finished) {
          throw new AuditUnavailableException(
              "the audit log is closed; " + (target - written) + " records were not written");
        }
        long seen = attempts;
        flushRequested = true;
        monitor.notifyAll();
        while (attempts == seen && !finished) {
          waitOn(monitor, 0);
        }
        if (written < target && failure != null) {
          throw new AuditUnavailableException(failure);
        }
      }
    }
  }

  /** Stops after writing everything held (retrying until the close timeout), then returns. */
  public void close() {
    held.getAndUpdate(n -> n | CLOSED);
    synchronized (monitor) {
      if (!stopping) {
        stopping = true;
        stopDeadline = System.nanoTime() + settings.closeTimeout().toNanos();
      }
      monitor.notifyAll();
    }
    try {
      thread.join(settings.closeTimeout().plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = held.get() & ~CLOSED;
    if (left > 0) {
      throw new AuditUnavailableException(
          left
              + " audit records could not be written before close"
              + (failure == null ? "" : ": " + failure));
    }
  }

  /** Empty while records can be written; otherwise what is wrong and what to fix. */
  public Optional<String> problem() {
    int n = held.get();
    if ((n & CLOSED) != 0) {
      return Optional.of("the audit log is closed (the server is shutting down)");
    }
    String current = failure;
    if (n >= settings.queueCapacity()) {
      return Optional.of(
          "the audit queue is full ("
              + n
              + " records not yet written): "
              + (current != null ? current : "the database does not keep up; check its load"));
    }
    return Optional.ofNullable(current);
  }

  /** Records accepted and not yet written. */
  public int held() {
    return held.get() & ~CLOSED;
  }

  private void run() {
    long nextAt = System.nanoTime() + settings.flushInterval().toNanos();
    try {
      while (true) {
        boolean stop = awaitWork(nextAt);
        fill();
        boolean last = stop && held() == pending.size(); // nothing else to come
        boolean tick =
            pending.isEmpty()
                && uncheckpointed
                && Duration.between(lastCheckpoint, Codec.now())
                        .compareTo(settings.checkpointInterval())
                    >= 0;
        boolean ok = (pending.isEmpty() && !tick && !last) ? idle() : attempt(last);
        long now = System.nanoTime();
        if (stop && (ok && last || now - stopDeadline > 0)) {
          return;
        }
        boolean backlog = held() - pending.size() >= settings.maxBatch();
        nextAt =
            !ok
                ? now + (stop ? settings.flushInterval().toNanos() : RETRY_NANOS)
                : stop || backlog ? now : now + settings.flushInterval().toNanos();
      }
    } catch (RuntimeException | Error e) {
      failure = Failures.describe("the audit writer stopped", e);
      LOG.log(Level.ERROR, failure, e);
      throw e;
    } finally {
      synchronized (monitor) {
        finished = true;
        monitor.notifyAll();
      }
    }
  }

  /** Waits until {@code nextAt}, a flush request or (while writes succeed) closing. */
  private boolean awaitWork(long nextAt) {
    synchronized (monitor) {
      while (!flushRequested && !(stopping && failure == null)) {
        long remaining = nextAt - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        waitOn(monitor, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
      }
      flushRequested = false;
      return stopping;
    }
  }

  private void fill() {
    while (pending.size() < settings.maxBatch()) {
      AuditRecord record = queue.poll();
      if (record == null) {
        return;
      }
      pending.add(record);
    }
  }

  private boolean idle() {
    synchronized (monitor) {
      attempts++;
      monitor.notifyAll();
    }
    return true;
  }

  private boolean attempt(boolean last) {
    try {
      Chain.Written result = chain.write(pending, last);
      int n = pending.size();
      pending.clear();
      held.addAndGet(-n);
      if (result.checkpointCreated() != null) {
        lastCheckpoint = result.checkpointCreated();
      }
      uncheckpointed = result.head() > result.checkpointSeq();
      synchronized (monitor) {
        written += n;
        attempts++;
        if (failure != null) {
          LOG.log(Level.INFO, "the audit log is written again");
        }
        failure = null;
        monitor.notifyAll();
      }
      return true;
    } catch (Exception e) {
      String text = Failures.describe("writing the audit log", e);
      synchronized (monitor) {
        if (!text.equals(failure)) {
          LOG.log(Level.WARNING, text + " (" + pending.size() + "+ records held, retried)");
        }
        failure = text;
        attempts++;
        monitor.notifyAll();
      }
      return false;
    }
  }

  private static void waitOn(Object monitor, long millis) {
    try {
      monitor.wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditUnavailableException("interrupted while waiting for the audit writer", e);
    }
  }
}
