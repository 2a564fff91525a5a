package org.consentry.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.crypto.MasterKeystore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online backup against a real PostgreSQL that keeps committing while it is copied: the
 * restored database replays to a state in which every row committed before the backup is there,
 * rows committed during it form an unbroken prefix of the commits, and heap and index agree.
 */
class HomeBackupTest {

  @TempDir Path tmp;

  @Test
  void restoresAConsistentCopyOfADatabaseWrittenDuringTheBackup() throws Exception {
    Path source = tmp.resolve("pgdata");
    Path keystore = keystore();
    Path backup = tmp.resolve("backup");
    AtomicLong committed = new AtomicLong();
    long beforeBackup;
    long afterBackup;
    List<String> sourceRows;
    try (EmbeddedPostgres pg = start(source)) {
      try (Connection c = HomeBackup.connect(pg.getPort());
          Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE hfj_resource (res_id bigint PRIMARY KEY, res_type text,"
                + " res_deleted_at timestamp, body text, body_md5 text)");
        st.execute("CREATE TABLE hfj_res_ver (pid bigint)");
        st.execute(
            "INSERT INTO hfj_resource SELECT i, 'Patient', null, repeat(md5(i::text), 30),"
                + " md5(repeat(md5(i::text), 30)) FROM generate_series(1, 20000) i");
        committed.set(20000);
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = new Thread(() -> write(pg.getPort(), committed, writing));
      writer.start();
      while (committed.get() < 20050) {
        Thread.sleep(5);
      }
      beforeBackup = committed.get();
      Manifest manifest;
      try (Connection c = HomeBackup.connect(pg.getPort())) {
        manifest = HomeBackup.backup(c, source, keystore, backup, "test", Clock.systemUTC());
      }
      afterBackup = committed.get();
      writing.set(false);
      writer.join();
      assertThat(afterBackup).as("writes went on during the backup").isGreaterThan(beforeBackup);
      assertThat(manifest.database().resources().get("Patient")).isEqualTo(20000);
      try (Connection c = HomeBackup.connect(pg.getPort())) {
        sourceRows = rows(c);
      }
    }

    Path home = tmp.resolve("restored");
    Path restoredData = home.resolve("pgdata");
    Path restoredKeystore = home.resolve("keys/master.bcfks");
    HomeRestore.requireEmpty(restoredData, restoredKeystore);
    Manifest manifest = HomeRestore.verify(backup);
    HomeRestore.place(backup, restoredData, restoredKeystore);
    DatabaseFacts facts = HomeRestore.replay(restoredData);
    assertThat(facts.schema()).isEqualTo(manifest.database().schema());
    assertThat(facts.tables()).isEqualTo(2);
    assertThat(Files.readAllBytes(restoredKeystore)).isEqualTo(Files.readAllBytes(keystore));
    MasterKeystore.open(restoredKeystore, "test-passphrase".toCharArray());

    try (EmbeddedPostgres pg = start(restoredData);
        Connection c = HomeBackup.connect(pg.getPort());
        Statement st = c.createStatement()) {
      List<String> restored = rows(c);
      // every commit before the backup, then an unbroken run of the later ones, as the source has
      // them; none committed after the backup returned
      assertThat((long) restored.size()).isBetween(beforeBackup, afterBackup);
      assertThat(restored).isEqualTo(sourceRows.subList(0, restored.size()));
      ResultSet torn =
          st.executeQuery("SELECT count(*) FROM hfj_resource WHERE md5(body) <> body_md5");
      torn.next();
      assertThat(torn.getLong(1)).isZero();
      st.execute("SET enable_seqscan = off");
      ResultSet viaIndex = st.executeQuery("SELECT count(*) FROM hfj_resource WHERE res_id > 0");
      viaIndex.next();
      assertThat(viaIndex.getLong(1)).isEqualTo(restored.size());
    }
  }

  @Test
  void refusesADamagedBackupAndAHomeThatHoldsData() throws Exception {
    Path source = tmp.resolve("pgdata");
    Path keystore = Files.write(tmp.resolve("master.bcfks"), new byte[] {1, 2, 3});
    Path backup = tmp.resolve("backup");
    try (EmbeddedPostgres pg = start(source);
        Connection c = HomeBackup.connect(pg.getPort())) {
      assertThat(HomeBackup.runningPort(source)).isEqualTo(pg.getPort());
      HomeBackup.backup(c, source, keystore, backup, "test", Clock.systemUTC());
      assertThatThrownBy(
              () -> HomeBackup.backup(c, source, keystore, backup, "test", Clock.systemUTC()))
          .hasMessageContaining("is not empty");
    }
    assertThatThrownBy(() -> HomeBackup.runningPort(source)).hasMessageContaining("is not running");
    assertThatThrownBy(() -> HomeRestore.requireEmpty(source, tmp.resolve("none")))
        .hasMessageContaining("holds a database");
    assertThatThrownBy(() -> HomeRestore.requireEmpty(tmp.resolve("none"), keystore))
        .hasMessageContaining("exists");

    Path control = backup.resolve("database/global/pg_control");
    byte[] bytes = Files.readAllBytes(control);
    bytes[100] ^= 1;
    Files.write(control, bytes);
    assertThatThrownBy(() -> HomeRestore.verify(backup))
        .hasMessageContaining("database/global/pg_control is damaged");
    Files.delete(backup.resolve(Manifest.FILE));
    assertThatThrownBy(() -> HomeRestore.verify(backup)).hasMessageContaining("did not finish");
  }

  private Path keystore() throws Exception {
    Path keystore = tmp.resolve("keys/master.bcfks");
    Files.createDirectories(keystore.getParent());
    MasterKeystore.create(keystore, "test-passphrase".toCharArray());
    return keystore;
  }

  private static EmbeddedPostgres start(Path dataDir) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.toFile())
        .setCleanDataDirectory(false)
        .setServerConfig("fsync", "on")
        .start();
  }

  /** One insert per transaction, in id order, until told to stop. */
  private static void write(int port, AtomicLong committed, AtomicBoolean writing) {
    try (Connection c = HomeBackup.connect(port);
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO hfj_resource VALUES (?, 'Observation', null,"
                    + " repeat(md5(?::text), 30), md5(repeat(md5(?::text), 30)))")) {
      while (writing.get()) {
        long id = committed.get() + 1;
        insert.setLong(1, id);
        insert.setLong(2, id);
        insert.setLong(3, id);
        insert.executeUpdate();
        committed.set(id);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> rows(Connection c) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT res_id, res_type, body_md5 FROM hfj_resource ORDER BY res_id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
    }
    return rows;
  }
}
