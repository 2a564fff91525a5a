package org.consentry.consent.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Decision;
import org.consentry.consent.Obligation;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Type;

/**
 * Compiles the provision tree of one Consent, with the decisions and reasons each provision yields.
 * A provision without type inherits its parent's effect; the root's comes from the Consent's
 * policyRule when it has none.
 *
 * <p>A provision whose research-study extension is unreadable fails safe: its study criterion is
 * read as every study, so the denies at and below it still apply to every research requester it
 * reaches, while every permit at or below it is compiled without a decision (it never decides, so
 * an unknown study never widens access; a nested deny then decides at its own depth, an enclosing
 * deny at its).
 */
final class ProvisionCompiler {

  private final String consentId;
  private final String obligationExtension;
  private final CriteriaCompiler criteria;

  ProvisionCompiler(
      String consentId,
      String obligationExtension,
      PurposeHierarchy purposes,
      ReferenceResolver resolver) {
    this.consentId = consentId;
    this.obligationExtension = obligationExtension;
    this.criteria = new CriteriaCompiler(purposes, resolver);
  }

  ProvisionRule compileRoot(
      Consent.ProvisionComponent root, ProvisionRule.Effect policyRuleEffect) {
    return compile(root, "provision", 0, policyRuleEffect, false, false);
  }

  private ProvisionRule compile(
      Consent.ProvisionComponent provision,
      String path,
      int depth,
      ProvisionRule.Effect inherited,
      boolean ancestorHasPurpose,
      boolean ancestorStudyUnreadable) {
    Criteria compiled = criteria.compile(provision);
    ProvisionRule.Effect type = effect(provision, inherited);
    boolean purposeExplicit = ancestorHasPurpose || provision.hasPurpose();
    boolean studyUnreadable = ancestorStudyUnreadable || compiled.studyUnreadable;
    List<Consent.ProvisionComponent> nested =
        provision.hasProvision() ? provision.getProvision() : List.of();
    ProvisionRule[] children = new ProvisionRule[nested.size()];
    for (int i = 0; i < children.length; i++) {
      String childPath = path + ".provision[" + i + "]";
      children[i] =
          compile(nested.get(i), childPath, depth + 1, type, purposeExplicit, studyUnreadable);
    }
    // the children inherit the type; an unknown study keeps this provision's permit from deciding
    ProvisionRule.Effect effect =
        studyUnreadable && type == ProvisionRule.Effect.PERMIT ? ProvisionRule.Effect.NONE : type;
    boolean explicitEmergency =
        effect == ProvisionRule.Effect.DENY && criteria.listsEmergencyPurpose(provision);
    Decision decision = null;
    Decision emergencyOverride = null;
    String where = consentId + " " + path + " (" + compiled.description + ")";
    if (effect == ProvisionRule.Effect.PERMIT) {
      decision =
          new Decision(
              Decision.Outcome.PERMIT,
              consentId,
              path,
              "permitted by " + where,
              false,
              obligations(provision));
    } else if (effect == ProvisionRule.Effect.DENY) {
      decision =
          new Decision(
              Decision.Outcome.DENY,
              consentId,
              path,
              "denied by "
                  + where
                  + (explicitEmergency ? "; the patient refused emergency access" : ""),
              false,
              Set.of());
      emergencyOverride =
          new Decision(
              Decision.Outcome.PERMIT,
              consentId,
              path,
              "emergency access (ETREAT) overrides the deny of " + where,
              true,
              Set.of());
    }
    return new ProvisionRule(
        depth,
        effect,
        compiled,
        children,
        explicitEmergency,
        purposeExplicit,
        decision,
        emergencyOverride);
  }

  private static ProvisionRule.Effect effect(
      Consent.ProvisionComponent provision, ProvisionRule.Effect inherited) {
    if (!provision.hasType() || provision.getType() == null) {
      return inherited;
    }
    return switch (provision.getType()) {
      case PERMIT -> ProvisionRule.Effect.PERMIT;
      case DENY -> ProvisionRule.Effect.DENY;
      default -> inherited;
    };
  }

  private Set<Obligation> obligations(Consent.ProvisionComponent provision) {
    Set<Obligation> result = new LinkedHashSet<>();
    for (Extension extension : provision.getExtensionsByUrl(obligationExtension)) {
      Type value = extension.getValue();
      if (value instanceof Coding coding) {
        add(coding, result);
      } else if (value instanceof CodeableConcept concept) {
        concept.getCoding().forEach(coding -> add(coding, result));
      }
    }
    return result;
  }

  private static void add(Coding coding, Set<Obligation> into) {
    if (coding.hasCode()) {
      into.add(new Obligation(coding.getSystem(), coding.getCode()));
    }
  }
}
