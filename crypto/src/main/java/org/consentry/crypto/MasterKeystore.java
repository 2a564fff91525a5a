package org.consentry.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The master keys, in a BouncyCastle BCFKS keystore file protected by a passphrase: versions of the
 * key-encryption key (KEK, AES-256, aliases {@code kek-v1}, {@code kek-v2}, ...) that wrap the data
 * keys, and one blind-index secret (alias {@value #INDEX_ALIAS}, 256 bits) that never rotates, so
 * that stored blind-index tokens stay valid across KEK rotations.
 *
 * <p>The primary KEK, which wraps new and re-wrapped data keys, is the highest version. Older
 * versions stay so that data keys wrapped under them can be unwrapped until re-wrapped (see {@link
 * KeyRing#rewrapAll}). BCFKS protects the file with PBKDF2 (HMAC-SHA512) and AES-CCM; each entry is
 * protected by the same passphrase. The file is replaced atomically and, on POSIX, readable by its
 * owner only.
 *
 * <p>Thread-safe. A keystore opened in a running process does not see a rotation made by another
 * process on the same file until it is opened again.
 *
 * <p>Failure: every method throws {@link MasterKeystoreException} with a message that says what to
 * fix; passphrases and keys never appear in messages or {@link #toString}.
 */
public final class MasterKeystore {

  static final String INDEX_ALIAS = "blind-index-secret";
  private static final Pattern KEK_ALIAS = Pattern.compile("kek-v([1-9][0-9]{0,8})");
  private static final int MIN_PASSPHRASE = 12;
  private static final Provider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final char[] passphrase;
  private final SecretKey indexSecret;
  private volatile NavigableMap<Integer, SecretKey> keks;

  private MasterKeystore(
      Path file, char[] passphrase, NavigableMap<Integer, SecretKey> keks, SecretKey indexSecret) {
    this.file = file;
    this.passphrase = passphrase.clone();
    this.keks = Collections.unmodifiableNavigableMap(keks);
    this.indexSecret = indexSecret;
  }

  /**
   * Creates a new keystore file with {@code kek-v1} and the blind-index secret, both random.
   *
   * @throws MasterKeystoreException if the file exists (it is never overwritten), the passphrase is
   *     shorter than 12 characters, or the file cannot be written
   */
  public static MasterKeystore create(Path file, char[] passphrase) {
    if (passphrase.length < MIN_PASSPHRASE) {
      throw new MasterKeystoreException(
          "keystore passphrase too short: use at least " + MIN_PASSPHRASE + " characters");
    }
    if (Files.exists(file)) {
      throw new MasterKeystoreException(
          "keystore "
              + file
              + " already exists: refusing to "
              + "overwrite it (it may hold the only copy of the master key); open it, or rotate it");
    }
    NavigableMap<Integer, SecretKey> keks = new TreeMap<>();
    keks.put(1, randomKey("AES"));
    MasterKeystore created = new MasterKeystore(file, passphrase, keks, randomKey("HmacSHA256"));
    created.write(keks, true);
    return created;
  }

  /**
   * Opens an existing keystore file.
   *
   * @throws MasterKeystoreException if the file is missing, the passphrase is wrong, the file is
   *     damaged, or it holds no KEK or no blind-index secret
   */
  public static MasterKeystore open(Path file, char[] passphrase) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("BCFKS", BC);
      store.load(in, passphrase);
    } catch (NoSuchFileException e) {
      throw new MasterKeystoreException(
          "keystore "
              + file
              + " not found: create one with the "
              + "key initialization command (e.g. `consentry keys init`), or point the keystore "
              + "path setting at the existing file");
    } catch (AccessDeniedException e) {
      throw new MasterKeystoreException(
          "keystore " + file + " is not readable by this user: " + "fix its owner or permissions");
    } catch (IOException | GeneralSecurityException e) {
      throw new MasterKeystoreException(
          "keystore "
              + file
              + " could not be opened: the "
              + "passphrase is wrong or the file is damaged; check the passphrase setting (or "
              + "environment variable) and that the file is a Consentry BCFKS keystore");
    }
    try {
      NavigableMap<Integer, SecretKey> keks = new TreeMap<>();
      for (String alias : Collections.list(store.aliases())) {
        Matcher kek = KEK_ALIAS.matcher(alias);
        if (kek.matches()) {
          keks.put(Integer.parseInt(kek.group(1)), secret(store.getKey(alias, passphrase)));
        }
      }
      Key index = store.getKey(INDEX_ALIAS, passphrase);
      if (keks.isEmpty() || index == null) {
        throw new MasterKeystoreException(
            "keystore "
                + file
                + " holds no "
                + (keks.isEmpty() ? "key-encryption key (kek-v1...)" : "blind-index secret")
                + ": it was not made by the key initialization command; restore it from backup");
      }
      return new MasterKeystore(file, passphrase, keks, secret(index));
    } catch (GeneralSecurityException e) {
      throw new MasterKeystoreException(
          "keystore "
              + file
              + " has an entry that cannot be read "
              + "with this passphrase: restore it from backup");
    }
  }

  /**
   * The keystore passphrase from an environment variable, for servers that take secrets from the
   * environment rather than from files.
   *
   * @throws MasterKeystoreException if the variable is unset or empty
   */
  public static char[] passphraseFromEnvironment(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new MasterKeystoreException(
          "environment variable "
              + variable
              + " is not set: set "
              + "it to the master keystore passphrase");
    }
    return value.toCharArray();
  }

  /**
   * Adds a new random KEK version, makes it primary and saves the file. Data keys stay wrapped
   * under their old version until {@link KeyRing#rewrapAll} (or {@link KeyRing#rotateKek}).
   *
   * @return the new primary version
   */
  public synchronized int rotate() {
    NavigableMap<Integer, SecretKey> next = new TreeMap<>(keks);
    int version = next.lastKey() + 1;
    next.put(version, randomKey("AES"));
    write(next, false);
    keks = Collections.unmodifiableNavigableMap(next);
    return version;
  }

  /** The version that wraps new data keys: the highest. */
  public int primaryVersion() {
    return keks.lastKey();
  }

  /** All KEK versions held, ascending. */
  public List<Integer> versions() {
    return List.copyOf(keks.keySet());
  }

  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "MasterKeystore[file=" + file + ", kekVersions=" + keks.keySet() + "]";
  }

  /**
   * The KEK of a version, or null if this keystore has no such version. A version newer than any
   * held means another node rotated the shared keystore file: it is re-read once, so data keys it
   * re-wrapped keep unwrapping here without a restart.
   */
  SecretKey kek(int version) {
    SecretKey kek = keks.get(version);
    if (kek == null && version > keks.lastKey()) {
      reloadNewerVersions();
      kek = keks.get(version);
    }
    return kek;
  }

  private synchronized void reloadNewerVersions() {
    try {
      NavigableMap<Integer, SecretKey> onDisk = open(file, passphrase).keks;
      if (onDisk.lastKey() > keks.lastKey()) {
        keks = Collections.unmodifiableNavigableMap(new TreeMap<>(onDisk));
      }
    } catch (MasterKeystoreException unreadable) {
      // keep the versions held; the caller reports the missing version
    }
  }

  SecretKey indexSecret() {
    return indexSecret;
  }

  private void write(NavigableMap<Integer, SecretKey> versions, boolean createNew) {
    Path tmp = null;
    try {
      KeyStore store = KeyStore.getInstance("BCFKS", BC);
      store.load(null, null);
      for (var entry : versions.entrySet()) {
        store.setKeyEntry("kek-v" + entry.getKey(), entry.getValue(), passphrase, null);
      }
      store.setKeyEntry(INDEX_ALIAS, indexSecret, passphrase, null);
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".keystore", ".tmp");
      restrictToOwner(tmp);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        store.store(out, passphrase);
      }
      if (createNew) {
        Files.move(tmp, file); // fails if the file appeared meanwhile: never overwrite on create
      } else {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      tmp = null;
    } catch (FileAlreadyExistsException e) {
      throw new MasterKeystoreException(
          "keystore " + file + " already exists: refusing to " + "overwrite it");
    } catch (IOException | GeneralSecurityException e) {
      throw new MasterKeystoreException(
          "keystore "
              + file
              + " could not be written ("
              + e.getClass().getSimpleName()
              + "): check that its directory exists and is writable",
          e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file holds only the encrypted keystore
        }
      }
    }
  }

  private static void restrictToOwner(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows and others: rely on the directory's access control
    }
  }

  private static SecretKey randomKey(String algorithm) {
    byte[] material = new byte[32];
    RANDOM.nextBytes(material);
    return new SecretKeySpec(material, algorithm);
  }

  private static SecretKey secret(Key key) {
    if (!(key instanceof SecretKey secret)
        || secret.getEncoded() == null
        || secret.getEncoded().length != 32) {
      throw new MasterKeystoreException(
          "keystore entry is not a 256-bit secret key: restore the " + "keystore from backup");
    }
    return new SecretKeySpec(secret.getEncoded(), "AES");
  }
}
