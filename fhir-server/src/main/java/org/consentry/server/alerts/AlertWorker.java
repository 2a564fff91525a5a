package org.consentry.server.alerts;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs evaluations one at a time on one background thread, so that a rule's episodes for a patient
 * are decided in order on this node. Evaluations of the same patient and rule that wait together
 * are merged into one over the union of their times (a burst of measurements is evaluated once). A
 * full queue drops the evaluation and counts it; it never blocks the writer.
 */
final class AlertWorker implements AutoCloseable {

  /** What an evaluation does. */
  interface Evaluation {
    void evaluate(String patient, String rule, long from, long to);
  }

  private record Window(long from, long to) {
    Window with(long otherFrom, long otherTo) {
      return new Window(Math.min(from, otherFrom), Math.max(to, otherTo));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AlertWorker.class);

  private final Map<String, Window> waiting = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor executor;
  private final AtomicLong dropped = new AtomicLong();
  private volatile Evaluation evaluation;

  AlertWorker(int queue) {
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread thread = new Thread(r, "consentry-alerts");
              thread.setDaemon(true);
              return thread;
            });
  }

  void evaluateWith(Evaluation evaluation) {
    this.evaluation = evaluation;
  }

  /** Queues an evaluation of one rule for one patient's measurements around {@code [from, to]}. */
  void submit(String patient, String rule, long from, long to) {
    String key = patient + "|" + rule;
    boolean[] queued = {false};
    waiting.compute(
        key,
        (k, known) -> {
          if (known != null) {
            return known.with(from, to);
          }
          queued[0] = true;
          return new Window(from, to);
        });
    if (!queued[0]) {
      return;
    }
    try {
      executor.execute(() -> run(key, patient, rule));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      waiting.remove(key);
      LOG.warn("alert evaluations dropped (queue full): {}", dropped.incrementAndGet());
    }
  }

  private void run(String key, String patient, String rule) {
    Window window = waiting.remove(key);
    if (window == null || evaluation == null) {
      return;
    }
    try {
      evaluation.evaluate(patient, rule, window.from(), window.to());
    } catch (RuntimeException e) {
      LOG.warn("alert rule {} could not be evaluated: {}", rule, e.toString());
    }
  }

  /** Waits until every queued evaluation has run (for tests and shutdown). */
  boolean idle(long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      if (executor.getQueue().isEmpty() && executor.getActiveCount() == 0 && waiting.isEmpty()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
