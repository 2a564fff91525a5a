package org.consentry.audit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/** One real PostgreSQL for the test run; every test gets a database of its own. */
final class TestDb {

  static final SecretKey KEY = key((byte) 7);

  private static final AtomicInteger databases = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDb() {}

  /** A new, empty database. */
  static DataSource fresh() {
    String name = "audit_" + databases.incrementAndGet();
    execute(server().getPostgresDatabase(), "CREATE DATABASE " + name);
    return server().getDatabase("postgres", name);
  }

  static SecretKey key(byte fill) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, fill);
    return new SecretKeySpec(bytes, "HmacSHA256");
  }

  static void execute(DataSource dataSource, String... sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start PostgreSQL for the tests", e);
      }
    }
    return postgres;
  }
}
