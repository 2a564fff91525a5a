package org.consentry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Concurrent benchmark clients: each runs on its own thread, and the phase waits for all. */
final class Clients {

  private Clients() {}

  /** Runs every client at once and returns them when all have finished; a failure ends the run. */
  static <W extends Runnable> List<W> runAll(List<W> clients) {
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (W client : clients) {
        running.add(pool.submit(client));
      }
      for (Future<?> future : running) {
        future.get();
      }
    } catch (Exception e) {
      throw new BenchException("a client failed: " + e);
    } finally {
      pool.shutdownNow();
    }
    return clients;
  }
}
