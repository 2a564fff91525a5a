package org.consentry.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.consentry.cli.backup.DatabaseFacts;
import org.consentry.cli.backup.HomeRestore;
import org.consentry.cli.backup.Manifest;
import org.consentry.crypto.KeystoreAccess;
import org.consentry.crypto.MasterKeystore;
import org.consentry.crypto.MasterKeystoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consentry restore DIR [--passphrase-file FILE]}: a backup made by {@link BackupCommand}
 * into a home that holds no data yet. Checks the backup's checksums and that the passphrase opens
 * its keystore before placing anything, then replays the database's WAL once and compares what it
 * holds with the manifest.
 */
@Command(name = "restore")
final class RestoreCommand implements CliCommand {

  @Override
  public String name() {
    return "restore";
  }

  @Override
  public String summary() {
    return "restore a backup into a new, empty CONSENTRY_HOME";
  }

  @Override
  public String usage() {
    return """
        usage: consentry restore DIR [--passphrase-file FILE]
          DIR                   a folder written by consentry backup
          --passphrase-file FILE
                                the keystore's passphrase (e.g. the file of backup --with-passphrase); copied to
                                $CONSENTRY_HOME/keys/passphrase. Not needed when CONSENTRY_KEYSTORE_PASSPHRASE is set.
        CONSENTRY_HOME must not hold a database or a keystore yet. Start the server afterwards (./consentry up).
        Exit code: 0 done, 1 restored but the contents differ from the manifest, 2 could not run.""";
  }

  @Parameters List<String> folders = new ArrayList<>();

  @Option(names = "--passphrase-file")
  String passphraseFileName;

  @Override
  public int call(Context context) {
    if (folders.size() > 1) {
      throw new UsageException("unexpected argument " + folders.get(1));
    }
    if (folders.isEmpty()) {
      throw new UsageException("expected the backup folder DIR");
    }
    Path backup = Path.of(folders.get(0)).toAbsolutePath().normalize();
    Path passphraseFile =
        passphraseFileName == null
            ? null
            : Path.of(passphraseFileName).toAbsolutePath().normalize();
    Map<String, String> env = context.env();
    Path home = BackupCommand.home(env);
    Path dataDir = BackupCommand.dataDir(env, home);
    Path keystore = BackupCommand.keystore(env, home);
    KeystoreAccess homeAccess = BackupCommand.access(env, home, keystore);
    try {
      HomeRestore.requireEmpty(dataDir, keystore);
    } catch (HomeRestore.RestoreException e) {
      context
          .err()
          .println(
              "consentry restore: "
                  + home
                  + " already holds data ("
                  + e.getMessage()
                  + "): restore into a new home, e.g. CONSENTRY_HOME=/path/to/new-home ./consentry"
                  + " restore "
                  + backup);
      return ConsentryCli.CANNOT_RUN;
    } catch (IOException e) {
      context.err().println("consentry restore: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    }
    long start = System.nanoTime();
    try {
      context.err().println("Checking " + backup + "...");
      Manifest manifest = HomeRestore.verify(backup);
      if (passphraseFile != null && !Files.isReadable(passphraseFile)) {
        throw new HomeRestore.RestoreException("cannot read the passphrase file " + passphraseFile);
      }
      char[] passphrase =
          passphraseFile != null
              ? Files.readString(passphraseFile, StandardCharsets.UTF_8).strip().toCharArray()
              : passphraseFromEnv(env, homeAccess);
      try {
        MasterKeystore.open(backup.resolve(Manifest.KEYSTORE), passphrase);
      } catch (MasterKeystoreException e) {
        context
            .err()
            .println(
                "consentry restore: the passphrase does not open the backup's keystore: "
                    + e.getMessage());
        return ConsentryCli.CANNOT_RUN;
      }
      HomeRestore.place(backup, dataDir, keystore);
      if (passphraseFile != null) {
        Path target = homeAccess.passphraseFile();
        Files.createDirectories(target.getParent());
        Files.createFile(
            target,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(target, new String(passphrase), StandardCharsets.UTF_8);
      }
      context.err().println("Replaying the database's log to a consistent state...");
      DatabaseFacts restored = HomeRestore.replay(dataDir);
      DatabaseFacts expected = manifest.database();
      context
          .out()
          .printf(
              "Restored the backup of %s into %s in %.1f s: %,d resources in %d types, %,d"
                  + " versions.%n",
              manifest.createdAt(),
              home,
              (System.nanoTime() - start) / 1e9,
              restored.resourceCount(),
              restored.resources().size(),
              restored.versions());
      if (!restored.schema().equals(expected.schema())) {
        context.out().println("The restored schema differs from the manifest's: check the log.");
        return ConsentryCli.FAILURES;
      }
      if (!restored.resources().equals(expected.resources())) {
        // writes that continued while the backup ran can be in the copy's WAL
        context
            .out()
            .printf(
                "The manifest, read as the backup ended, counted %,d resources: writes during the"
                    + " backup make the difference.%n",
                expected.resourceCount());
      } else {
        context.out().println("Every resource type's count matches the manifest.");
      }
      context.out().println("Start the server with ./consentry up.");
      return ConsentryCli.OK;
    } catch (HomeRestore.RestoreException | KeystoreAccess.KeystoreUnavailableException e) {
      context.err().println("consentry restore: " + e.getMessage());
    } catch (IOException | SQLException e) {
      context.err().println("consentry restore: failed: " + e.getMessage());
    }
    return ConsentryCli.CANNOT_RUN;
  }

  private static char[] passphraseFromEnv(Map<String, String> env, KeystoreAccess access)
      throws HomeRestore.RestoreException {
    if (env.getOrDefault(KeystoreAccess.PASSPHRASE_VARIABLE, "").isEmpty()) {
      throw new HomeRestore.RestoreException(
          "restore needs the keystore's passphrase: --passphrase-file FILE (the file of backup"
              + " --with-passphrase, or your own copy) or "
              + KeystoreAccess.PASSPHRASE_VARIABLE);
    }
    return access.passphrase();
  }
}
