package org.consentry.crypto;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.consentry.crypto.internal.BoundedCache;
import org.consentry.crypto.internal.DataKey;
import org.consentry.crypto.internal.KeyWrap;

/**
 * The entry point for keys: per-key-id (per-patient) data keys, created on first use, wrapped by
 * the master keystore's KEK, stored through a {@link DataKeyStore}, and cached unwrapped in memory
 * in a cache bounded in size and age, so a field never costs an unwrap. Give it to an {@link
 * AesGcmFieldCipher}.
 *
 * <p>Verbs: {@link #rotateDataKey} (a new data-key version; old versions stay so old data
 * decrypts), {@link #rotateKek} and {@link #rewrapAll} (re-wrap every data key under a new KEK
 * version without touching any ciphertext), {@link #destroy} (crypto-shredding: every version of a
 * key id is deleted, after which its data can never be decrypted), {@link #invalidate} (drop a key
 * id from this node's cache after another node changed it).
 *
 * <p>Thread-safe: lookups of cached keys take no lock; creating, loading, rotating and destroying
 * the keys of one key id are serialized per key id within this process, and across processes by the
 * store's atomic insert. Another node's {@link #destroy} is seen here on {@link #invalidate} or at
 * most one cache time-to-live later.
 *
 * <p>Failure: {@link KeyDestroyedException} for a destroyed key id; {@link DecryptionException}
 * when a stored key cannot be unwrapped (tampered row, or a KEK version missing from the keystore);
 * {@link IllegalArgumentException} for an unknown KEK version given to {@link #rewrapAll}.
 */
public final class KeyRing {

  private record VersionKey(String keyId, int version) {}

  private final MasterKeystore masterKeys;
  private final DataKeyStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final BoundedCache<String, DataKey> current;
  private final BoundedCache<VersionKey, DataKey> versions;
  private final Object[] locks = new Object[64];

  private KeyRing(Builder builder) {
    this.masterKeys = builder.masterKeys;
    this.store = builder.store;
    this.clock = builder.clock;
    this.random = builder.random;
    this.current = new BoundedCache<>(builder.cacheSize, builder.cacheTtl, clock);
    this.versions = new BoundedCache<>(builder.cacheSize, builder.cacheTtl, clock);
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** A builder over the master keys and the data-key store; other settings have defaults. */
  public static Builder builder(MasterKeystore masterKeys, DataKeyStore store) {
    return new Builder(masterKeys, store);
  }

  /**
   * Makes a new version of the key id's data key, current from now on; returns it. Ciphertexts made
   * under older versions still decrypt.
   *
   * @throws KeyDestroyedException if the key id was destroyed
   */
  public int rotateDataKey(String keyId) {
    synchronized (lockFor(keyId)) {
      int next = store.latest(keyId).map(WrappedDataKey::version).orElse(0) + 1;
      DataKey created = createVersion(keyId, next);
      if (created == null) {
        throw new IllegalStateException(
            "data key version was created concurrently elsewhere: " + "retry the rotation");
      }
      current.put(keyId, created);
      return next;
    }
  }

  /**
   * Re-wraps every stored data key not yet under KEK {@code kekVersion} with that version. No
   * ciphertext changes and no data key changes; afterwards the older KEK versions are no longer
   * needed by this store.
   *
   * @return how many data-key versions were re-wrapped
   * @throws IllegalArgumentException if the keystore has no such KEK version
   */
  public int rewrapAll(int kekVersion) {
    SecretKey newKek = masterKeys.kek(kekVersion);
    if (newKek == null) {
      throw new IllegalArgumentException("the master keystore has no KEK version " + kekVersion);
    }
    int count = 0;
    for (WrappedDataKey stored : store.all()) {
      if (stored.kekVersion() != kekVersion) {
        DataKey key = unwrap(stored);
        byte[] wrapped = KeyWrap.wrap(newKek, kekVersion, key, random);
        if (store.update(stored.rewrapped(kekVersion, wrapped))) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * Rotates the master keystore ({@link MasterKeystore#rotate}) and re-wraps every data key under
   * the new primary KEK.
   *
   * @return the new primary KEK version
   */
  public int rotateKek() {
    int version = masterKeys.rotate();
    rewrapAll(version);
    return version;
  }

  /**
   * Crypto-shreds a key id: deletes every version of its data key from the store and from this
   * node's cache. Afterwards decrypting its data and encrypting for it throw {@link
   * KeyDestroyedException}. Irreversible (short of restoring a database backup).
   */
  public void destroy(String keyId) {
    synchronized (lockFor(keyId)) {
      store.destroy(keyId);
      evict(keyId);
    }
  }

  /** Drops a key id from this node's cache, e.g. when another node rotated or destroyed it. */
  public void invalidate(String keyId) {
    synchronized (lockFor(keyId)) {
      evict(keyId);
    }
  }

  /** The current data key of a key id, created (version 1) on first use. */
  DataKey dataKeyFor(String keyId) {
    DataKey cached = current.get(keyId);
    if (cached != null) {
      return cached;
    }
    synchronized (lockFor(keyId)) {
      cached = current.get(keyId);
      if (cached != null) {
        return cached;
      }
      for (int attempt = 0; attempt < 3; attempt++) {
        var latest = store.latest(keyId);
        DataKey key = latest.isPresent() ? unwrap(latest.get()) : createVersion(keyId, 1);
        if (key != null) {
          current.put(keyId, key);
          versions.put(new VersionKey(keyId, key.version()), key);
          return key;
        }
      }
      throw new IllegalStateException(
          "data key could not be created: the store keeps refusing "
              + "version 1 without returning it");
    }
  }

  /** A given version of a key id's data key, for decryption. */
  DataKey dataKey(String keyId, int version) {
    VersionKey id = new VersionKey(keyId, version);
    DataKey cached = versions.get(id);
    if (cached != null) {
      return cached;
    }
    synchronized (lockFor(keyId)) {
      cached = versions.get(id);
      if (cached != null) {
        return cached;
      }
      var stored = store.find(keyId, version);
      if (stored.isEmpty()) {
        if (store.isDestroyed(keyId)) {
          throw new KeyDestroyedException();
        }
        throw new DecryptionException("decryption failed: no data key for this ciphertext");
      }
      DataKey key = unwrap(stored.get());
      versions.put(id, key);
      return key;
    }
  }

  /** Creates, wraps and inserts a version; null if that version appeared meanwhile. */
  private DataKey createVersion(String keyId, int version) {
    if (store.isDestroyed(keyId)) {
      throw new KeyDestroyedException();
    }
    byte[] material = new byte[KeyWrap.KEY_BYTES];
    random.nextBytes(material);
    DataKey key = new DataKey(keyId, version, new SecretKeySpec(material, "AES"));
    Arrays.fill(material, (byte) 0);
    int kekVersion = masterKeys.primaryVersion();
    byte[] wrapped = KeyWrap.wrap(masterKeys.kek(kekVersion), kekVersion, key, random);
    if (!store.insert(new WrappedDataKey(keyId, version, kekVersion, wrapped, clock.instant()))) {
      if (store.isDestroyed(keyId)) {
        throw new KeyDestroyedException();
      }
      return null;
    }
    versions.put(new VersionKey(keyId, version), key);
    return key;
  }

  private DataKey unwrap(WrappedDataKey stored) {
    SecretKey kek = masterKeys.kek(stored.kekVersion());
    if (kek == null) {
      throw new DecryptionException(
          "decryption failed: the data key is wrapped under a KEK "
              + "version this keystore does not hold (keystore out of date or restored from an older "
              + "backup)");
    }
    try {
      return KeyWrap.unwrap(
          kek, stored.kekVersion(), stored.keyId(), stored.version(), stored.wrapped());
    } catch (AEADBadTagException e) {
      throw new DecryptionException(
          "decryption failed: a stored data key does not unwrap "
              + "(tampered or misplaced key row, or a different keystore)");
    }
  }

  private void evict(String keyId) {
    current.remove(keyId);
    versions.removeIf(id -> id.keyId().equals(keyId));
  }

  private Object lockFor(String keyId) {
    return locks[(keyId.hashCode() & 0x7fffffff) % locks.length];
  }

  @Override
  public String toString() {
    return "KeyRing[cachedKeyIds=" + current.size() + "]";
  }

  /** Settings of a {@link KeyRing}. */
  public static final class Builder {
    private final MasterKeystore masterKeys;
    private final DataKeyStore store;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private int cacheSize = 10_000;
    private Duration cacheTtl = Duration.ofMinutes(5);

    private Builder(MasterKeystore masterKeys, DataKeyStore store) {
      this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Time for cache ages and key creation dates; default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Source of data keys and wrap nonces; default a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** How many unwrapped keys each of the two caches (current, by version) holds; 10,000. */
    public Builder cacheSize(int cacheSize) {
      this.cacheSize = cacheSize;
      return this;
    }

    /**
     * How long an unwrapped key stays cached; 5 minutes. Bounds how late a remote destroy is seen.
     */
    public Builder cacheTtl(Duration cacheTtl) {
      this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
      return this;
    }

    public KeyRing build() {
      return new KeyRing(this);
    }
  }
}
