package org.consentry.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the master keystore and its passphrase are, and opening it so that a missing keystore or a
 * wrong passphrase stops the server at start (or {@code ./consentry keys}) with one line saying
 * what to fix. The passphrase comes from {@code CONSENTRY_KEYSTORE_PASSPHRASE} if set, else from
 * the passphrase file. Shared by the server and the command line, which runs without Spring.
 */
public record KeystoreAccess(Path keystore, Path passphraseFile, Map<String, String> env) {

  public static final String PASSPHRASE_VARIABLE = "CONSENTRY_KEYSTORE_PASSPHRASE";

  public static Path defaultKeystore(Path home) {
    return home.resolve("keys").resolve("master.bcfks");
  }

  public static Path defaultPassphraseFile(Path home) {
    return home.resolve("keys").resolve("passphrase");
  }

  /**
   * Opens the keystore; throws {@link KeystoreUnavailableException} with the fix in its message.
   */
  public MasterKeystore open() {
    if (!Files.exists(keystore)) {
      throw new KeystoreUnavailableException(
          "No master keystore at "
              + keystore
              + ": run './consentry keys init' "
              + "(or set consentry.crypto.keystore to an existing one)");
    }
    try {
      return MasterKeystore.open(keystore, passphrase());
    } catch (MasterKeystoreException e) {
      throw new KeystoreUnavailableException(
          "The master keystore "
              + keystore
              + " does not open: "
              + e.getMessage()
              + " (passphrase from "
              + passphraseSource()
              + ")");
    }
  }

  /** The passphrase, from the environment or the passphrase file. */
  public char[] passphrase() {
    String fromEnv = env.get(PASSPHRASE_VARIABLE);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv.toCharArray();
    }
    if (!Files.isReadable(passphraseFile)) {
      throw new KeystoreUnavailableException(
          "No keystore passphrase: set "
              + PASSPHRASE_VARIABLE
              + " or write it to "
              + passphraseFile
              + " (./consentry keys init does)");
    }
    try {
      return Files.readString(passphraseFile, StandardCharsets.UTF_8).strip().toCharArray();
    } catch (IOException e) {
      throw new KeystoreUnavailableException(
          "Cannot read the passphrase file " + passphraseFile + ": " + e.getMessage());
    }
  }

  public String passphraseSource() {
    String fromEnv = env.get(PASSPHRASE_VARIABLE);
    return fromEnv != null && !fromEnv.isEmpty()
        ? "environment variable " + PASSPHRASE_VARIABLE
        : "file " + passphraseFile;
  }

  /**
   * The server cannot start (or the command cannot run) without the keystore; the message says what
   * to fix.
   */
  public static final class KeystoreUnavailableException extends RuntimeException {
    KeystoreUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
