package org.consentry.consent.internal;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.consentry.consent.ConsentPolicy;
import org.consentry.consent.Decision;
import org.consentry.consent.Obligation;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.Resource;

/**
 * Combines the compiled Consents into one decision: own record, then deny overrides across
 * applicable Consents, then the policy default; emergency access and research opt-in on top. Not
 * API: use {@code ConsentEngine.decide}.
 */
public final class Evaluator {

  private final ConsentPolicy policy;
  private final PurposeHierarchy purposes;

  /** Per purpose: {default decision, emergency override of a default deny}. */
  private final Map<String, Decision[]> defaults = new ConcurrentHashMap<>();

  public Evaluator(ConsentPolicy policy) {
    this.policy = policy;
    this.purposes = PurposeHierarchy.bundled();
  }

  public Decision decide(
      Requester requester, Resource resource, CompiledConsents consents, long now) {
    if (requester.isPatient(consents.patientId())) {
      return consents.ownRecord();
    }
    DecisionContext context = new DecisionContext(requester, resource, now, purposes);
    ProvisionRule deny = null;
    ProvisionRule explicitEmergencyDeny = null;
    ProvisionRule permit = null;
    Set<Obligation> moreObligations = null;
    for (CompiledConsent consent : consents.consents()) {
      if (consent.researchScope() && !context.research) {
        continue;
      }
      ProvisionRule decided = consent.root().deciding(context, null);
      if (decided == null) {
        continue;
      }
      if (decided.denies()) {
        if (!context.emergency) {
          return decided.decision; // deny overrides; the most recent deny is cited
        }
        deny = deny == null ? decided : deny;
        if (decided.explicitEmergency && explicitEmergencyDeny == null) {
          explicitEmergencyDeny = decided;
        }
      } else if (context.research && !consent.researchScope() && !decided.purposeExplicit) {
        continue; // research is opt-in: a general privacy permit does not admit it
      } else if (permit == null) {
        permit = decided;
      } else if (!permit.decision.obligations().containsAll(decided.decision.obligations())) {
        moreObligations = moreObligations == null ? new LinkedHashSet<>() : moreObligations;
        moreObligations.addAll(decided.decision.obligations());
      }
    }
    if (explicitEmergencyDeny != null) {
      return explicitEmergencyDeny.decision;
    }
    if (deny != null) {
      return deny.emergencyOverride;
    }
    if (permit != null) {
      return moreObligations == null
          ? permit.decision
          : withObligations(permit.decision, moreObligations);
    }
    Decision[] byDefault = defaults.get(requester.purposeOfUse());
    if (byDefault == null) {
      byDefault = defaultDecisions(requester.purposeOfUse());
      defaults.putIfAbsent(requester.purposeOfUse(), byDefault);
    }
    return context.emergency && !byDefault[0].permitted() ? byDefault[1] : byDefault[0];
  }

  private static Decision withObligations(Decision decision, Set<Obligation> more) {
    Set<Obligation> all = new LinkedHashSet<>(decision.obligations());
    all.addAll(more);
    return new Decision(
        decision.outcome(),
        decision.consentId(),
        decision.provisionPath(),
        decision.reason() + " (with obligations of other permitting Consents)",
        decision.emergencyOverride(),
        all);
  }

  private Decision[] defaultDecisions(String purpose) {
    Decision.Outcome outcome = policy.fallback();
    for (String code : purposes.selfAndAncestors(purpose)) {
      Decision.Outcome configured = policy.defaultByPurpose().get(code);
      if (configured != null) {
        outcome = configured;
        break;
      }
    }
    String reason =
        "default policy for purpose "
            + purpose
            + ": "
            + outcome.name().toLowerCase(java.util.Locale.ROOT)
            + " (no Consent applies)";
    Decision normal = new Decision(outcome, null, null, reason, false, Set.of());
    Decision override =
        new Decision(
            Decision.Outcome.PERMIT,
            null,
            null,
            "emergency access (ETREAT) overrides the " + reason,
            true,
            Set.of());
    return new Decision[] {normal, override};
  }
}
