package org.consentry.server.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A daemon thread of its own running one task at a fixed delay, between start and stop. */
final class JobTimer {

  private final String name;
  private final Duration every;
  private final Runnable task;
  private ScheduledExecutorService timer;

  JobTimer(String name, Duration every, Runnable task) {
    this.name = name;
    this.every = every;
    this.task = task;
  }

  synchronized void start() {
    if (timer == null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
              });
      long millis = every.toMillis();
      timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
