package org.consentry.cli.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Backs up a running embedded database and the master keystore into a folder: {@code database/} (an
 * online physical copy), {@code database.sha256}, {@code keystore/master.bcfks} and, last, {@code
 * manifest.json}. The keystore's passphrase is never written there.
 */
public final class HomeBackup {

  /** The backup could not be made; the message says why in one line. */
  public static final class BackupException extends Exception {
    public BackupException(String message) {
      super(message, null, false, false);
    }
  }

  private HomeBackup() {}

  /**
   * The loopback port of the PostgreSQL running over {@code dataDir} (line 4 of its {@code
   * postmaster.pid}), or an exception saying it does not run.
   */
  public static int runningPort(Path dataDir) throws BackupException {
    Path pid = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BackupException(
          "the embedded database in "
              + dataDir
              + " is not running (no postmaster.pid): start it with ./consentry up, then back up");
    }
    if (lines.size() < 4 || !lines.get(3).strip().matches("\\d+")) {
      throw new BackupException(pid + " does not name a port; is PostgreSQL starting up?");
    }
    return Integer.parseInt(lines.get(3).strip());
  }

  /** Opens a connection as the embedded database's superuser (trust, loopback only). */
  public static Connection connect(int port) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
  }

  /**
   * Backs up into {@code target} (created; it must not exist or be empty).
   *
   * @param connection superuser connection to the database whose files are in {@code dataDir}
   */
  public static Manifest backup(
      Connection connection, Path dataDir, Path keystore, Path target, String version, Clock clock)
      throws BackupException, IOException, SQLException {
    if (Files.exists(target)) {
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new BackupException(target + " is not empty: back up into a new folder");
        }
      }
      Files.delete(target);
    }
    if (!Files.isRegularFile(keystore)) {
      throw new BackupException("no master keystore at " + keystore + ": nothing to decrypt with");
    }
    Files.createDirectories(
        target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    int versionNum = DatabaseFacts.read(connection).postgresVersionNum();
    if (versionNum < 150000) {
      throw new BackupException(
          "PostgreSQL " + versionNum + " is older than 15; use pg_basebackup instead");
    }
    OnlineCopy.Result copy =
        new OnlineCopy(connection, dataDir)
            .copyTo(
                target.resolve(Manifest.DATABASE), "consentry " + Instant.now(clock).toString());
    // read after the copy ended: the restored database is at least as new as this
    DatabaseFacts facts = DatabaseFacts.read(connection);
    Manifest.writeChecksums(target, copy.files());
    Path keyCopy = target.resolve(Manifest.KEYSTORE);
    Files.createDirectories(
        keyCopy.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    OnlineCopy.FileDigest key = OnlineCopy.copyFile(keystore, keyCopy);
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT,
            Instant.now(clock).toString(),
            version,
            facts,
            copy.startWal(),
            copy.stopWal(),
            copy.stopLsn(),
            key.sha256(),
            false);
    manifest.write(target);
    return manifest;
  }

  /** Bytes under {@code dir}. */
  public static long size(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }
}
