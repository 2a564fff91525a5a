package org.consentry.consent;

import java.util.Objects;
import java.util.Set;

/**
 * The consent decision for one resource and one requester, with the reason for it.
 *
 * <p>A decision is immutable. The engine reuses decision instances (they are computed when a
 * patient's Consents are compiled), so compare decisions with {@link #equals}, never by identity.
 *
 * @param outcome permit or deny
 * @param consentId the Consent that decided, as a relative reference ({@code "Consent/12"}), or
 *     {@code null} when no Consent decided (own record, deployment policy default)
 * @param provisionPath the FHIRPath-like path of the deciding provision inside that Consent ({@code
 *     "provision"}, {@code "provision.provision[1]"}), or {@code null}
 * @param reason a human-readable explanation for audit; always set
 * @param emergencyOverride whether emergency access (purpose {@code ETREAT}) turned what would have
 *     been a deny into this permit; such reads must be audited as break-the-glass
 * @param obligations what the enforcer must do before showing the resource (for example
 *     v3-ObligationPolicy {@code REDACT}); empty for a deny and for a permit without obligations
 */
public record Decision(
    Outcome outcome,
    String consentId,
    String provisionPath,
    String reason,
    boolean emergencyOverride,
    Set<Obligation> obligations) {

  /** Permit or deny. */
  public enum Outcome {
    PERMIT,
    DENY
  }

  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    obligations = obligations == null ? Set.of() : Set.copyOf(obligations);
  }

  /** Whether the requester may see the resource. */
  public boolean permitted() {
    return outcome == Outcome.PERMIT;
  }
}
