package org.consentry.consent;

import java.util.Map;
import java.util.Objects;

/**
 * The deployment's default decision per purpose of use, applied when none of the patient's Consents
 * applies to a request.
 *
 * <p>A requester's purpose is looked up along the v3-ActReason hierarchy: its own code first, then
 * its nearest ancestor that has an entry (so with an entry for {@code TREAT}, a request for {@code
 * COC} or {@code ETREAT} gets the {@code TREAT} default unless those have their own). A purpose
 * with no entry on its path gets {@code fallback}.
 *
 * @param defaultByPurpose v3-ActReason code to default outcome
 * @param fallback the outcome for purposes without an entry
 */
public record ConsentPolicy(
    Map<String, Decision.Outcome> defaultByPurpose, Decision.Outcome fallback) {

  public ConsentPolicy {
    defaultByPurpose = Map.copyOf(Objects.requireNonNull(defaultByPurpose, "defaultByPurpose"));
    Objects.requireNonNull(fallback, "fallback");
  }

  /**
   * Treatment, emergency treatment, payment and operations are opt-out ({@code PERMIT} unless a
   * Consent denies); research ({@code HRESCH}) is opt-in ({@code DENY} unless a Consent permits);
   * every other purpose (marketing, public health, ...) falls back to {@code DENY}.
   */
  public static ConsentPolicy defaults() {
    return new ConsentPolicy(
        Map.of(
            "TREAT", Decision.Outcome.PERMIT,
            "ETREAT", Decision.Outcome.PERMIT,
            "HPAYMT", Decision.Outcome.PERMIT,
            "HOPERAT", Decision.Outcome.PERMIT,
            "HRESCH", Decision.Outcome.DENY),
        Decision.Outcome.DENY);
  }
}
