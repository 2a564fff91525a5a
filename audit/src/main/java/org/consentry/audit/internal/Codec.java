package org.consentry.audit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.consentry.audit.AuditRecord;

/**
 * The chain's hash and the checkpoints' signatures, byte for byte.
 *
 * <pre>
 * hash(n) = SHA-256( "consentry-audit-record/1" || hash(n-1) (32 bytes; 32 zero bytes for seq 1)
 *                    || seq (8) || recorded (8, microseconds since 1970) || count(patients) (4)
 *                    || for each patient: len (4) || UTF-8 || len (4) || kind || len (4) || agent
 *                    || len (4) || json )
 * checkpoint mac = HMAC-SHA256(key, "consentry-audit-checkpoint/1" || seq (8) || hash (32)
 *                    || created (8, microseconds) || anchor (1: 0 or 1))
 * head mac       = HMAC-SHA256(key, "consentry-audit-head/1" || seq (8) || hash (32)
 *                    || updated (8, microseconds))
 * </pre>
 *
 * All integers big-endian, lengths in UTF-8 bytes; the tags keep a head signature from passing as a
 * checkpoint's. Not thread-safe (one per thread).
 */
public final class Codec {

  /** The hash "before" seq 1. */
  public static final byte[] GENESIS = new byte[32];

  private static final byte[] RECORD_TAG = ascii("consentry-audit-record/1");
  private static final byte[] CHECKPOINT_TAG = ascii("consentry-audit-checkpoint/1");
  private static final byte[] HEAD_TAG = ascii("consentry-audit-head/1");

  private final MessageDigest sha256;
  private final Mac hmac;

  /** {@code key} must hold at least 32 bytes (HMAC-SHA256 under a 256-bit key). */
  public Codec(SecretKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null || encoded.length < 32) {
      throw new IllegalArgumentException(
          "the audit checkpoint key must be a raw secret key of at least 32 bytes");
    }
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
      hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 / SHA-256 unavailable or key refused", e);
    }
  }

  /** Only hashes: for tools and tests that recompute the chain without the key. */
  public static byte[] recordHash(byte[] previous, AuditRecord record) {
    try {
      return hash(MessageDigest.getInstance("SHA-256"), previous, record);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hash of {@code record} (its seq included) chained after {@code previous}. */
  public byte[] hash(byte[] previous, AuditRecord record) {
    return hash(sha256, previous, record);
  }

  private static byte[] hash(MessageDigest digest, byte[] previous, AuditRecord record) {
    digest.reset();
    digest.update(RECORD_TAG);
    digest.update(previous);
    digest.update(longBytes(record.seq()));
    digest.update(longBytes(micros(record.recorded())));
    List<String> patients = record.patients();
    digest.update(intBytes(patients.size()));
    for (String patient : patients) {
      text(digest, patient);
    }
    text(digest, record.kind());
    text(digest, record.agent());
    text(digest, record.json());
    return digest.digest();
  }

  public byte[] checkpointMac(long seq, byte[] hash, Instant created, boolean anchor) {
    hmac.reset();
    hmac.update(CHECKPOINT_TAG);
    hmac.update(longBytes(seq));
    hmac.update(hash);
    hmac.update(longBytes(micros(created)));
    hmac.update((byte) (anchor ? 1 : 0));
    return hmac.doFinal();
  }

  public byte[] headMac(long seq, byte[] hash, Instant updated) {
    hmac.reset();
    hmac.update(HEAD_TAG);
    hmac.update(longBytes(seq));
    hmac.update(hash);
    hmac.update(longBytes(micros(updated)));
    return hmac.doFinal();
  }

  /** True if the checkpoint's MAC is the one the key gives (false if a column is null). */
  boolean checkpointSigned(Rows.Signed checkpoint) {
    return checkpoint.hash() != null
        && checkpoint.created() != null
        && same(
            checkpointMac(
                checkpoint.seq(), checkpoint.hash(), checkpoint.created(), checkpoint.anchor()),
            checkpoint.mac());
  }

  /** True if the head's MAC is the one the key gives (false if a column is null). */
  boolean headSigned(Rows.Signed head) {
    return head.hash() != null
        && head.created() != null
        && same(headMac(head.seq(), head.hash(), head.created()), head.mac());
  }

  /** Constant-time comparison; false for null. */
  public static boolean same(byte[] a, byte[] b) {
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }

  /** Now, at PostgreSQL's precision. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static void text(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(intBytes(bytes.length));
    digest.update(bytes);
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
