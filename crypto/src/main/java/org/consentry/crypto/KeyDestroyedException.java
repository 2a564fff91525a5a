package org.consentry.crypto;

/**
 * The data key a ciphertext (or a new encryption) needs was destroyed with {@link KeyRing#destroy}:
 * the data is crypto-shredded and can never be decrypted again. Distinct from other decryption
 * failures so that a server can mask the value as erased rather than report an error.
 */
public class KeyDestroyedException extends DecryptionException {

  private static final long serialVersionUID = 1L;

  public KeyDestroyedException() {
    super("data key destroyed: the value was erased (crypto-shredded) and cannot be decrypted");
  }
}
