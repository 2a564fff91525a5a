package org.consentry.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One audited event as the store keeps it: the AuditEvent JSON, stored and hashed byte for byte,
 * plus the few fields the store indexes.
 *
 * <p>Validated on construction, so that a record the store accepts can always be written (a record
 * PostgreSQL would refuse would otherwise block every record queued behind it): the strings must
 * not contain NUL characters or unpaired surrogates ({@link IllegalArgumentException}), {@code
 * recorded} must lie in the years 1 to 9999 and is truncated to the microsecond (PostgreSQL's
 * {@code timestamptz} precision; the hash covers the truncated value).
 *
 * @param seq the position in the hash chain, assigned by the store (1, 2, 3, ...); 0 before
 * @param recorded when the event happened
 * @param patients logical ids of the patients the event concerns (for example {@code "123"} for
 *     {@code Patient/123}); may be empty, never null
 * @param kind a short code: {@code read}, {@code query}, {@code create}, {@code disclosure}, {@code
 *     authz-consent}, {@code emergency}, {@code erasure}, {@code key}, ... (not blank)
 * @param agent who acted, for example {@code Practitioner/7} or a client id (may be empty)
 * @param json the AuditEvent JSON, kept exactly as given
 */
public record AuditRecord(
    long seq, Instant recorded, List<String> patients, String kind, String agent, String json) {

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  public AuditRecord {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative: " + seq);
    }
    Objects.requireNonNull(recorded, "recorded");
    if (recorded.isBefore(EARLIEST) || recorded.isAfter(LATEST)) {
      throw new IllegalArgumentException("recorded out of range (years 1 to 9999): " + recorded);
    }
    recorded = recorded.truncatedTo(ChronoUnit.MICROS);
    patients = List.copyOf(Objects.requireNonNull(patients, "patients"));
    for (String patient : patients) {
      if (patient.isEmpty()) {
        throw new IllegalArgumentException("empty patient id");
      }
      checkText(patient, "patient id");
    }
    checkText(kind, "kind");
    if (kind.isBlank()) {
      throw new IllegalArgumentException("blank kind");
    }
    checkText(agent, "agent");
    checkText(json, "json");
  }

  /** A record not yet stored (seq 0). */
  public static AuditRecord of(
      Instant recorded, List<String> patients, String kind, String agent, String json) {
    return new AuditRecord(0, recorded, patients, kind, agent, json);
  }

  /** The same record at position {@code seq} of the chain. */
  public AuditRecord withSeq(long seq) {
    return new AuditRecord(seq, recorded, patients, kind, agent, json);
  }

  private static void checkText(String value, String what) {
    Objects.requireNonNull(value, what);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException(what + " contains a NUL character");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " contains an unpaired surrogate at " + i);
      }
    }
  }
}
