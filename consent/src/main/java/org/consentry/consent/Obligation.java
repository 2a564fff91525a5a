package org.consentry.consent;

import java.util.Objects;

/**
 * Something the enforcer must do to a permitted resource before it is shown, for example {@code
 * http://terminology.hl7.org/CodeSystem/v3-ObligationPolicy|REDACT}.
 *
 * <p>A permit provision asks for it with the extension {@link ConsentEngine#OBLIGATION_EXTENSION}
 * whose {@code valueCoding} is the obligation.
 *
 * @param system the code system; {@code null} when the Consent gave none
 * @param code the code, never null
 */
public record Obligation(String system, String code) {

  /** The HL7 v3 ObligationPolicy code system (REDACT, MASK, DEID, ...). */
  public static final String OBLIGATION_POLICY =
      "http://terminology.hl7.org/CodeSystem/v3-ObligationPolicy";

  public Obligation {
    Objects.requireNonNull(code, "code");
  }

  /** An obligation from v3-ObligationPolicy, e.g. {@code Obligation.policy("REDACT")}. */
  public static Obligation policy(String code) {
    return new Obligation(OBLIGATION_POLICY, code);
  }
}
