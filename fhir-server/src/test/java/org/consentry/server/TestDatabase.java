package org.consentry.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real PostgreSQL for the whole test run, started on first use and stopped when the JVM exits
 * (never earlier: cached Spring contexts keep using it until then).
 */
public final class TestDatabase {

  private static EmbeddedPostgres postgres;

  private TestDatabase() {}

  public static synchronized String jdbcUrl() {
    if (postgres == null) {
      try {
        // stopped by the hook below, after Spring (zonky's own hook would stop it at once)
        postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start PostgreSQL for the tests", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    // JVM shutdown hooks run side by side: let Spring close the cached contexts
                    // first, or their jobs wait out the connection timeout for a database that
                    // is gone
                    awaitSpringShutdown();
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting
                    }
                  }));
    }
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  private static void awaitSpringShutdown() {
    // the hooks are started one after another: Spring's may not be running yet
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().equals("SpringApplicationShutdownHook")) {
          try {
            thread.join(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
