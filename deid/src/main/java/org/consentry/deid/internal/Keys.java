package org.consentry.deid.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed functions of one study, each under its own key derived from the study secret with
 * HMAC-SHA256 and a fixed label (so a pseudonym says nothing about a date shift):
 *
 * <ul>
 *   <li>pseudonym(v) = the first 16 bytes of HMAC-SHA256(K_p, UTF-8 of v), written as a UUID
 *       (version 8, "custom", RFC 9562: 122 bits of the MAC), so it is a valid FHIR id, a valid
 *       {@code urn:uuid:} and the same string wherever v occurs;
 *   <li>shift(patient) = HMAC-SHA256(K_s, UTF-8 of the patient id), its first 8 bytes reduced to a
 *       whole number of days in [-range, -1] or [1, range] (never 0, so every date moves).
 * </ul>
 *
 * One {@link Session} per thread: its own {@link Mac}s and a small cache of recent pseudonyms (ids
 * of a patient and of an encounter recur in every resource). Thread-safe.
 */
public final class Keys {

  private static final byte[] PSEUDONYM_LABEL =
      "consentry/deid/pseudonym/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHIFT_LABEL =
      "consentry/deid/date-shift/v1".getBytes(StandardCharsets.US_ASCII);
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int CACHE_SIZE = 1024;

  private final ThreadLocal<Session> sessions;

  /** Keys derived from a study secret (copied; the caller may erase its array). */
  public Keys(byte[] studySecret) {
    SecretKeySpec master = new SecretKeySpec(studySecret, "HmacSHA256");
    SecretKeySpec pseudonymKey = derive(master, PSEUDONYM_LABEL);
    SecretKeySpec shiftKey = derive(master, SHIFT_LABEL);
    this.sessions = ThreadLocal.withInitial(() -> new Session(pseudonymKey, shiftKey));
  }

  /** This thread's session: fetch once per resource, use for all its values. */
  public Session session() {
    return sessions.get();
  }

  /** The pseudonym of an id or identifier value: a lowercase UUID string. */
  public String pseudonym(String value) {
    return session().pseudonym(value);
  }

  /** Days to add to every date of this patient: in [-range, -1] or [1, range]. */
  public int shiftDays(String patientId, int range) {
    return session().shiftDays(patientId, range);
  }

  /** The keyed functions on one thread: its own {@link Mac}s and cache. Not thread-safe. */
  public static final class Session {
    private final Mac pseudonymMac;
    private final Mac shiftMac;
    private final String[] recent = new String[2 * CACHE_SIZE];
    private String lastPatient;
    private int lastRange;
    private int lastShift;

    private Session(SecretKeySpec pseudonymKey, SecretKeySpec shiftKey) {
      this.pseudonymMac = newMac(pseudonymKey);
      this.shiftMac = newMac(shiftKey);
    }

    /** The pseudonym of an id or identifier value: a lowercase UUID string. */
    public String pseudonym(String value) {
      int slot = (value.hashCode() & (CACHE_SIZE - 1)) << 1;
      if (value.equals(recent[slot])) {
        return recent[slot + 1];
      }
      String pseudonym = uuid(pseudonymMac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
      recent[slot] = value;
      recent[slot + 1] = pseudonym;
      return pseudonym;
    }

    /** The pseudonym of an OID: {@code 2.25.} and the pseudonym's UUID as an integer. */
    public String oidPseudonym(String value) {
      byte[] mac = pseudonymMac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      stampVersion(mac);
      return "2.25." + new BigInteger(1, Arrays.copyOf(mac, 16));
    }

    /** Days to add to every date of this patient: in [-range, -1] or [1, range]. */
    public int shiftDays(String patientId, int range) {
      if (patientId.equals(lastPatient) && range == lastRange) {
        return lastShift;
      }
      byte[] mac = shiftMac.doFinal(patientId.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = (bits << 8) | (mac[i] & 0xff);
      }
      int k = (int) Long.remainderUnsigned(bits, 2L * range);
      lastPatient = patientId;
      lastRange = range;
      lastShift = k < range ? k - range : k - range + 1;
      return lastShift;
    }
  }

  private static String uuid(byte[] mac) {
    stampVersion(mac);
    char[] out = new char[36];
    int at = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out[at++] = '-';
      }
      out[at++] = HEX[(mac[i] >> 4) & 0xf];
      out[at++] = HEX[mac[i] & 0xf];
    }
    return new String(out);
  }

  private static void stampVersion(byte[] mac) {
    mac[6] = (byte) ((mac[6] & 0x0f) | 0x80); // version 8
    mac[8] = (byte) ((mac[8] & 0x3f) | 0x80); // RFC variant
  }

  private static SecretKeySpec derive(SecretKeySpec master, byte[] label) {
    byte[] derived = newMac(master).doFinal(label);
    SecretKeySpec key = new SecretKeySpec(derived, "HmacSHA256");
    Arrays.fill(derived, (byte) 0);
    return key;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK offers no HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "Keys[<redacted>]";
  }
}
