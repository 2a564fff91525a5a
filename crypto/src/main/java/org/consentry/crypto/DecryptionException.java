package org.consentry.crypto;

/**
 * A ciphertext could not be decrypted: it is malformed, was tampered with, was moved to another
 * context, or its data key is missing or wrong. The message says which of these kinds of failure it
 * was, never anything of the data, the key or the context.
 */
public class DecryptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DecryptionException(String message) {
    super(message);
  }
}
