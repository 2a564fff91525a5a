package org.consentry.server.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server run by this process, with its files kept in a data folder so the
 * data survives restarts. The zero-configuration default; production points
 * {@code consentry.db.url} at a managed PostgreSQL instead.
 */
final class EmbeddedDatabase implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private EmbeddedDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/** Starts PostgreSQL on a free loopback port over {@code dataDir}, creating it on first use. */
	static EmbeddedDatabase start(Path dataDir) {
		try {
			Files.createDirectories(dataDir);
			EmbeddedPostgres pg = EmbeddedPostgres.builder()
					.setDataDirectory(dataDir.toFile())
					.setCleanDataDirectory(false)
					.setServerConfig("max_connections", "100")
					.start();
			return new EmbeddedDatabase(pg);
		} catch (IOException e) {
			throw new UncheckedIOException(
					"Could not start the embedded PostgreSQL in " + dataDir
							+ " (is another Consentry server using this folder? see the log above): " + e.getMessage(),
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
