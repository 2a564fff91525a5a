package org.consentry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

class FailClosedTest {

  /** A DataSource that refuses connections, as PostgreSQL does when it is down, while told to. */
  static final class Switch {
    volatile boolean down;

    DataSource around(DataSource real) {
      return (DataSource)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {DataSource.class},
              (proxy, method, args) -> {
                if (down && method.getName().equals("getConnection")) {
                  throw new SQLException(
                      "Connection to localhost:5432 refused. Check that the hostname and port are"
                          + " correct and that the postmaster is accepting TCP/IP connections.",
                      "08001");
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }

  @Test
  void unhealthyWhileTheDatabaseRefusesThenEverythingIsWrittenOnce() {
    Switch db = new Switch();
    DataSource real = TestDb.fresh();
    AuditSettings small = ChainTest.FAST.withMaxBatch(10).withQueueCapacity(50);
    try (AuditLog log = new AuditLog(db.around(real), TestDb.KEY, small)) {
      for (int i = 0; i < 5; i++) {
        log.append(Events.read(i, "p1", "Practitioner/7"));
      }
      log.flush();
      assertThat(log.healthy()).isTrue();
      assertThat(log.problem()).isEmpty();

      db.down = true;
      log.append(Events.read(5, "p1", "Practitioner/7"));
      assertThatThrownBy(log::flush)
          .isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("cannot reach the audit database");
      assertThat(log.healthy()).isFalse();
      assertThat(log.problem().orElseThrow())
          .contains("check that PostgreSQL is running")
          .doesNotContain("INSERT")
          .doesNotContain("consentry_audit");
      // still accepted (and held) up to the capacity, refused beyond it
      for (int i = 6; i < 55; i++) {
        log.append(Events.read(i, "p1", "Practitioner/7"));
      }
      assertThat(log.pending()).isEqualTo(50);
      assertThatThrownBy(() -> log.append(Events.read(55, "p1", "Practitioner/7")))
          .isInstanceOf(AuditUnavailableException.class)
          .hasMessageContaining("audit queue is full (50 records not yet written)")
          .hasMessageContaining("cannot reach the audit database");

      db.down = false;
      log.flush();
      assertThat(log.healthy()).isTrue();
      assertThat(log.pending()).isZero();
      assertThat(log.countAll(null, null, null)).isEqualTo(55);
      VerificationReport report = log.verify();
      assertThat(report.intact()).as(report.text()).isTrue();
      assertThat(report.checked()).isEqualTo(55);
    }
  }

  @Test
  void aStoppedPostgresqlIsRetriedUntilItIsBack(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedPostgres pg = start(dir, port);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {port});
    ds.setUser("postgres");
    ds.setDatabaseName("postgres");
    ds.setConnectTimeout(2);
    try (AuditLog log = new AuditLog(ds, TestDb.KEY, ChainTest.FAST)) {
      log.append(Events.read(1, "p1", "Practitioner/7"));
      log.flush();
      pg.close();

      log.append(Events.read(2, "p1", "Practitioner/7"));
      awaitHealthy(log, false);
      assertThat(log.problem().orElseThrow()).contains("cannot reach the audit database");
      log.append(Events.read(3, "p1", "Practitioner/7"));

      pg = start(dir, port);
      awaitHealthy(log, true); // retried once a second
      log.flush();
      assertThat(log.countAll(null, null, null)).isEqualTo(3);
      assertThat(log.verify().intact()).isTrue();
    } finally {
      pg.close();
    }
  }

  private static EmbeddedPostgres start(Path dir, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static void awaitHealthy(AuditLog log, boolean healthy) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (log.healthy() != healthy && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(log.healthy()).as("healthy: " + log.problem()).isEqualTo(healthy);
  }
}
