package org.consentry.server.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server run by this process, with its files kept in a data folder so the data
 * survives restarts. The zero-configuration default; production points {@code consentry.db.url} at
 * a managed PostgreSQL instead.
 */
final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL on a free loopback port over {@code dataDir}, creating it on first use. */
  static EmbeddedDatabase start(Path dataDir) {
    return start(dataDir, 0);
  }

  /** The same on a given port (0: a free one). */
  static EmbeddedDatabase start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres pg =
          builder
              .setDataDirectory(dataDir.toFile())
              .setCleanDataDirectory(false)
              // stopped by the server when its connection pool closes, after every job that
              // uses the database; zonky's own JVM hook would stop it while they still run
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "100")
              // zonky turns synchronous commit and fsync off for tests; stored health data must
              // survive a crash (synchronous commit without fsync does not survive one of the
              // machine)
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", "on")
              .start();
      return new EmbeddedDatabase(pg);
    } catch (IOException | RuntimeException e) {
      // a second server on the same folder fails on the folder's lock (an unchecked exception)
      throw new IllegalStateException(
          "Could not start the embedded PostgreSQL in "
              + dataDir
              + " (is another Consentry server using this folder? see the log above): "
              + e,
          e);
    }
  }

  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
