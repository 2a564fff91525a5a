package org.consentry.cli.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Sends on an executor, at most {@code limit} at a time (the caller blocks for a free slot, so
 * memory holds at most that many batches). {@link #awaitAll} waits for every send and rethrows the
 * first failure as it was thrown, so {@link ImportTally.StopImport} and {@link
 * ServerUnavailableException} end the run as they would without concurrency. After a send has
 * failed, no new one starts.
 */
final class ConcurrentSends {

  private final ExecutorService executor;
  private final Semaphore slots;
  private final List<Future<?>> pending = new ArrayList<>();
  private volatile boolean failedSend;

  ConcurrentSends(ExecutorService executor, int limit) {
    this.executor = executor;
    this.slots = new Semaphore(limit);
  }

  void submit(Runnable send) {
    if (failedSend) {
      awaitAll();
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImportException("interrupted");
    }
    if (failedSend) {
      slots.release();
      awaitAll();
    }
    pending.add(
        executor.submit(
            () -> {
              try {
                send.run();
              } catch (RuntimeException e) {
                failedSend = true; // set before the slot is freed, so no later send starts
                throw e;
              } finally {
                slots.release();
              }
            }));
  }

  void awaitAll() {
    RuntimeException first = null;
    for (Future<?> future : pending) {
      try {
        future.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new ImportException(String.valueOf(e.getCause()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImportException("interrupted");
      }
    }
    pending.clear();
    if (first != null) {
      throw first;
    }
  }
}
