package org.consentry.consent.internal;

import org.consentry.consent.Decision;

/**
 * One compiled provision: its criteria, its effect, its nested exceptions, and the decisions it
 * yields, built once so that deciding allocates nothing.
 */
final class ProvisionRule {

  /** What a matching provision says; NONE for a grouping provision without type. */
  enum Effect {
    NONE,
    PERMIT,
    DENY
  }

  final int depth;
  final Effect effect;
  final Criteria criteria;
  final ProvisionRule[] children;

  /** A deny that lists an emergency purpose: the patient refused break-the-glass access. */
  final boolean explicitEmergency;

  /** It or an ancestor has purpose criteria (a patient-privacy permit that can admit research). */
  final boolean purposeExplicit;

  final Decision decision;

  /** For a deny, the permit an emergency requester gets instead; null otherwise. */
  final Decision emergencyOverride;

  ProvisionRule(
      int depth,
      Effect effect,
      Criteria criteria,
      ProvisionRule[] children,
      boolean explicitEmergency,
      boolean purposeExplicit,
      Decision decision,
      Decision emergencyOverride) {
    this.depth = depth;
    this.effect = effect;
    this.criteria = criteria;
    this.children = children;
    this.explicitEmergency = explicitEmergency;
    this.purposeExplicit = purposeExplicit;
    this.decision = decision;
    this.emergencyOverride = emergencyOverride;
  }

  boolean denies() {
    return effect == Effect.DENY;
  }

  /**
   * The deciding provision in this subtree, given the best found so far: the deepest matching one
   * with an effect; at equal depth deny beats permit (and an explicit emergency deny beats another
   * deny, so that it is the one cited). Children are visited only where this provision matches.
   */
  ProvisionRule deciding(DecisionContext context, ProvisionRule best) {
    if (!criteria.matches(context)) {
      return best;
    }
    if (effect != Effect.NONE && beats(best)) {
      best = this;
    }
    for (ProvisionRule child : children) {
      best = child.deciding(context, best);
    }
    return best;
  }

  private boolean beats(ProvisionRule other) {
    return other == null || depth > other.depth || depth == other.depth && rank() > other.rank();
  }

  private int rank() {
    return switch (effect) {
      case NONE -> 0;
      case PERMIT -> 1;
      case DENY -> explicitEmergency ? 3 : 2;
    };
  }
}
