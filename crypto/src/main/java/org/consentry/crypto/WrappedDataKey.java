package org.consentry.crypto;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a data key as stored: encrypted (wrapped) under a version of the master
 * key-encryption key, so the database never holds a usable key. The wrapping also authenticates key
 * id, version and KEK version: a row edited or copied to another key id fails to unwrap.
 *
 * @param keyId the data key's id, typically a patient id
 * @param version the data-key version, from 1; a ciphertext records the version it was made with
 * @param kekVersion the version of the key-encryption key that wrapped it
 * @param wrapped the wrapped key: 60 opaque bytes (copied in and out)
 * @param createdAt when this data-key version was made (kept across re-wrapping)
 */
public record WrappedDataKey(
    String keyId, int version, int kekVersion, byte[] wrapped, Instant createdAt) {

  public WrappedDataKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(createdAt, "createdAt");
    if (version < 1 || kekVersion < 1) {
      throw new IllegalArgumentException("versions start at 1");
    }
    wrapped = wrapped.clone();
  }

  @Override
  public byte[] wrapped() {
    return wrapped.clone();
  }

  /** The same data key wrapped again, under another KEK version. */
  public WrappedDataKey rewrapped(int newKekVersion, byte[] newWrapped) {
    return new WrappedDataKey(keyId, version, newKekVersion, newWrapped, createdAt);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WrappedDataKey that
        && keyId.equals(that.keyId)
        && version == that.version
        && kekVersion == that.kekVersion
        && Arrays.equals(wrapped, that.wrapped)
        && createdAt.equals(that.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, version, kekVersion, Arrays.hashCode(wrapped), createdAt);
  }

  @Override
  public String toString() {
    return "WrappedDataKey[version="
        + version
        + ", kekVersion="
        + kekVersion
        + ", createdAt="
        + createdAt
        + "]";
  }
}
