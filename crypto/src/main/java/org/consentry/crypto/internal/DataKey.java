package org.consentry.crypto.internal;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;

/**
 * One unwrapped data key: the AES-256 key of one version of one key id. Lives only in memory (in
 * the key ring's bounded cache); {@link #toString} shows the version and nothing else.
 *
 * <p>Internal: not part of the API.
 */
public final class DataKey {

  private final String keyId;
  private final byte[] keyIdUtf8;
  private final int version;
  private final SecretKey key;

  public DataKey(String keyId, int version, SecretKey key) {
    this.keyId = keyId;
    this.keyIdUtf8 = keyId.getBytes(StandardCharsets.UTF_8);
    this.version = version;
    this.key = key;
  }

  public String keyId() {
    return keyId;
  }

  /** The key id as UTF-8, shared: callers must not modify it. */
  public byte[] keyIdUtf8() {
    return keyIdUtf8;
  }

  public int version() {
    return version;
  }

  public SecretKey key() {
    return key;
  }

  @Override
  public String toString() {
    return "DataKey[version=" + version + ", material=<redacted>]";
  }
}
