package org.consentry.cli.backup;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Restores a backup written by {@link HomeBackup} into a home that holds no data yet: checks every
 * file against its SHA-256, places the database copy and the keystore, then starts PostgreSQL over
 * the copy once, which replays the backup's WAL to a consistent state, and reads what it holds.
 */
public final class HomeRestore {

  /** The restore could not be made; the message says why in one line. */
  public static final class RestoreException extends Exception {
    public RestoreException(String message) {
      super(message, null, false, false);
    }
  }

  private HomeRestore() {}

  /**
   * Throws unless {@code dataDir} and {@code keystore} are free: restore never merges into or
   * overwrites data.
   */
  public static void requireEmpty(Path dataDir, Path keystore)
      throws RestoreException, IOException {
    if (Files.exists(keystore)) {
      throw new RestoreException(keystore + " exists");
    }
    if (Files.isDirectory(dataDir)) {
      try (Stream<Path> entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new RestoreException(dataDir + " holds a database");
        }
      }
    } else if (Files.exists(dataDir)) {
      throw new RestoreException(dataDir + " exists");
    }
  }

  /** Checks every file of the backup against {@code database.sha256} and the manifest. */
  public static Manifest verify(Path backup) throws RestoreException, IOException {
    Manifest manifest = Manifest.read(backup);
    Map<String, String> files = Manifest.readChecksums(backup);
    Path database = backup.resolve(Manifest.DATABASE);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = database.resolve(file.getKey()).normalize();
      if (!path.startsWith(database)) {
        throw new RestoreException(Manifest.CHECKSUMS + " names a file outside the backup");
      }
      if (!Files.isRegularFile(path)) {
        throw new RestoreException("the backup lacks " + backup.relativize(path));
      }
      if (!sha256(path).equals(file.getValue())) {
        throw new RestoreException(backup.relativize(path) + " is damaged (checksum differs)");
      }
    }
    Path keystore = backup.resolve(Manifest.KEYSTORE);
    if (!Files.isRegularFile(keystore) || !sha256(keystore).equals(manifest.keystoreSha256())) {
      throw new RestoreException(
          "the backup's keystore " + keystore + " is missing or damaged (checksum differs)");
    }
    return manifest;
  }

  /**
   * Copies the verified database into {@code dataDir} and the keystore to {@code keystore} (folders
   * mode 0700, the keystore 0600).
   */
  public static void place(Path backup, Path dataDir, Path keystore) throws IOException {
    Path staging = dataDir.resolveSibling(dataDir.getFileName() + ".restoring");
    copyTree(backup.resolve(Manifest.DATABASE), staging);
    Files.deleteIfExists(dataDir); // empty, checked by requireEmpty
    Files.move(staging, dataDir);
    Files.createDirectories(
        keystore.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.copy(backup.resolve(Manifest.KEYSTORE), keystore);
    Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Starts PostgreSQL over the restored folder (with the server's own settings), which replays the
   * WAL to consistency, reads what the database holds, and stops it again.
   */
  public static DatabaseFacts replay(Path dataDir) throws IOException, SQLException {
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofMinutes(10))
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .start();
        Connection connection = HomeBackup.connect(pg.getPort())) {
      return DatabaseFacts.read(connection);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(
        to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try (Stream<Path> children = Files.list(from)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        Path target = to.resolve(child.getFileName().toString());
        if (Files.isDirectory(child)) {
          copyTree(child, target);
        } else {
          Files.copy(child, target);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        }
      }
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = OnlineCopy.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
