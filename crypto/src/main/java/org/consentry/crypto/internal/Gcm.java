package org.consentry.crypto.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a 96-bit nonce and a 128-bit tag through the JDK's own provider (SunJCE), which uses
 * AES-NI; BouncyCastle's GCM is about 20 times slower. One {@link Cipher} per thread, so no {@code
 * Cipher.getInstance} per call. Data goes to the cipher in slices of at most {@value #MAX_UPDATE}
 * bytes: one large {@code doFinal} on JDK 17 collapses to under 100 MB/s.
 *
 * <p>Internal: not part of the API.
 */
public final class Gcm {

  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;
  public static final int MAX_UPDATE = 16 * 1024;

  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Gcm::newCipher);

  private Gcm() {}

  /**
   * Encrypts {@code in[inOff, inOff+len)} into {@code out} at {@code outOff}, writing {@code len +
   * TAG_BYTES} bytes. The nonce is read from {@code nonce[nonceOff, +12)}; the associated data is
   * {@code aad1} followed by {@code aad2} (either may be empty).
   */
  public static void encrypt(
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad1,
      int aad1Off,
      int aad1Len,
      byte[] aad2,
      byte[] in,
      int inOff,
      int len,
      byte[] out,
      int outOff) {
    Cipher cipher = CIPHER.get();
    try {
      cipher.init(
          Cipher.ENCRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BYTES * 8, nonce, nonceOff, NONCE_BYTES));
      run(cipher, aad1, aad1Off, aad1Len, aad2, in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      // a fresh random nonce and a valid 256-bit key cannot fail here: a broken JDK can
      throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getName());
    }
  }

  /**
   * Decrypts {@code in[inOff, inOff+len)} (ciphertext followed by the tag) into {@code out} at
   * {@code outOff}, writing {@code len - TAG_BYTES} bytes, released only if the tag verifies.
   *
   * @throws AEADBadTagException if the tag does not verify (wrong key, nonce, data or AAD)
   */
  public static void decrypt(
      SecretKey key,
      byte[] nonce,
      int nonceOff,
      byte[] aad1,
      int aad1Off,
      int aad1Len,
      byte[] aad2,
      byte[] in,
      int inOff,
      int len,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    Cipher cipher = CIPHER.get();
    try {
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BYTES * 8, nonce, nonceOff, NONCE_BYTES));
      run(cipher, aad1, aad1Off, aad1Len, aad2, in, inOff, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed: " + e.getClass().getName());
    }
  }

  private static void run(
      Cipher cipher,
      byte[] aad1,
      int aad1Off,
      int aad1Len,
      byte[] aad2,
      byte[] in,
      int inOff,
      int len,
      byte[] out,
      int outOff)
      throws GeneralSecurityException {
    if (aad1Len > 0) {
      cipher.updateAAD(aad1, aad1Off, aad1Len);
    }
    if (aad2.length > 0) {
      cipher.updateAAD(aad2);
    }
    int pos = inOff;
    int end = inOff + len;
    int written = outOff;
    while (end - pos > MAX_UPDATE) {
      written += cipher.update(in, pos, MAX_UPDATE, out, written);
      pos += MAX_UPDATE;
    }
    cipher.doFinal(in, pos, end - pos, out, written);
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    } catch (NoSuchProviderException e) {
      // a JDK without SunJCE (some FIPS builds): take its default AES-GCM, still not BouncyCastle,
      // which this library never registers as a provider
      try {
        return Cipher.getInstance("AES/GCM/NoPadding");
      } catch (NoSuchAlgorithmException | NoSuchPaddingException inner) {
        throw new IllegalStateException("this JDK offers no AES/GCM/NoPadding", inner);
      }
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("this JDK offers no AES/GCM/NoPadding", e);
    }
  }
}
