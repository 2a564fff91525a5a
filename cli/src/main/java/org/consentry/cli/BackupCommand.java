package org.consentry.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.consentry.cli.backup.HomeBackup;
import org.consentry.cli.backup.Manifest;
import org.consentry.crypto.KeystoreAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consentry backup DIR [--with-passphrase FILE]}: an online backup of the embedded database
 * and the master keystore while the server runs (see {@link HomeBackup}); {@code consentry restore}
 * is {@link RestoreCommand}. For an external PostgreSQL it says which tools to use instead.
 */
@Command(name = "backup")
final class BackupCommand implements CliCommand {

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public String summary() {
    return "back up the embedded database and the master keystore while the server runs";
  }

  @Override
  public String usage() {
    return """
        usage: consentry backup DIR [--with-passphrase FILE]
          DIR                   a new or empty folder: database/ (an online copy of the embedded PostgreSQL),
                                database.sha256, keystore/master.bcfks and manifest.json
          --with-passphrase FILE
                                also write the keystore's passphrase to FILE (a new file outside DIR, mode 0600);
                                without it the passphrase is not written anywhere: keep your own copy
        The server keeps serving and writing; the copy is consistent as of the end of the backup.
        External PostgreSQL (CONSENTRY_DB_URL): use pg_basebackup or pg_dump (see README).
        Exit code: 0 done, 2 could not run.""";
  }

  @Parameters List<String> folders = new ArrayList<>();

  @Option(names = "--with-passphrase")
  String withPassphrase;

  @Override
  public int call(Context context) {
    if (folders.size() > 1) {
      throw new UsageException("unexpected argument " + folders.get(1));
    }
    if (folders.isEmpty()) {
      throw new UsageException("expected the backup folder DIR");
    }
    Path target = Path.of(folders.get(0)).toAbsolutePath().normalize();
    Path passphraseOut =
        withPassphrase == null ? null : Path.of(withPassphrase).toAbsolutePath().normalize();
    Map<String, String> env = context.env();
    Path home = home(env);
    Path keystore = keystore(env, home);
    if (!env.getOrDefault("CONSENTRY_DB_URL", "").isBlank()) {
      context
          .err()
          .println(
              "consentry backup: the database is an external PostgreSQL (CONSENTRY_DB_URL):"
                  + " back it up with PostgreSQL's own pg_basebackup or pg_dump, and keep the"
                  + " keystore "
                  + keystore
                  + " and its passphrase apart from it (README: Backup and restore)");
      return ConsentryCli.CANNOT_RUN;
    }
    if (passphraseOut != null
        && (passphraseOut.startsWith(target) || Files.exists(passphraseOut))) {
      throw new UsageException(
          "--with-passphrase FILE must be a new file outside "
              + target
              + ": the passphrase is kept apart from the keystore");
    }
    Path dataDir = dataDir(env, home);
    long start = System.nanoTime();
    try {
      char[] passphrase = passphraseOut == null ? null : access(env, home, keystore).passphrase();
      int port = HomeBackup.runningPort(dataDir);
      context.err().println("Backing up " + dataDir + " (port " + port + ") to " + target + "...");
      Manifest manifest;
      try (Connection connection = HomeBackup.connect(port)) {
        manifest =
            HomeBackup.backup(connection, dataDir, keystore, target, version(), Clock.systemUTC());
      }
      if (passphraseOut != null) {
        Files.createFile(
            passphraseOut,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passphraseOut, new String(passphrase), StandardCharsets.UTF_8);
      }
      context
          .out()
          .printf(
              "Backed up %,d resources (%d types, %,d versions) and the master keystore to %s:"
                  + " %.1f MB in %.1f s.%n",
              manifest.database().resourceCount(),
              manifest.database().resources().size(),
              manifest.database().versions(),
              target,
              HomeBackup.size(target) / 1e6,
              (System.nanoTime() - start) / 1e9);
      context
          .out()
          .println(
              passphraseOut != null
                  ? "The keystore's passphrase is in "
                      + passphraseOut
                      + ": store it apart from "
                      + target
                      + "."
                  : "The keystore's passphrase is not in the backup: keep a copy of it ("
                      + access(env, home, keystore).passphraseSource()
                      + ") apart from "
                      + target
                      + "; restore needs it.");
      return ConsentryCli.OK;
    } catch (HomeBackup.BackupException | KeystoreAccess.KeystoreUnavailableException e) {
      context.err().println("consentry backup: " + e.getMessage());
    } catch (IOException | SQLException e) {
      context.err().println("consentry backup: failed: " + e.getMessage());
    }
    return ConsentryCli.CANNOT_RUN;
  }

  static Path home(Map<String, String> env) {
    return Path.of(
            env.getOrDefault("CONSENTRY_HOME", System.getProperty("user.home") + "/.consentry"))
        .toAbsolutePath()
        .normalize();
  }

  static Path dataDir(Map<String, String> env, Path home) {
    String configured = env.getOrDefault("CONSENTRY_DB_DATA_DIR", "");
    return configured.isBlank() ? home.resolve("pgdata") : Path.of(configured).toAbsolutePath();
  }

  static Path keystore(Map<String, String> env, Path home) {
    String configured = env.getOrDefault("CONSENTRY_CRYPTO_KEYSTORE", "");
    return configured.isBlank()
        ? KeystoreAccess.defaultKeystore(home)
        : Path.of(configured).toAbsolutePath();
  }

  static KeystoreAccess access(Map<String, String> env, Path home, Path keystore) {
    String configured = env.getOrDefault("CONSENTRY_CRYPTO_PASSPHRASE_FILE", "");
    return new KeystoreAccess(
        keystore,
        configured.isBlank() ? KeystoreAccess.defaultPassphraseFile(home) : Path.of(configured),
        env);
  }

  private static String version() {
    String version = BackupCommand.class.getPackage().getImplementationVersion();
    return version != null ? version : "development";
  }
}
