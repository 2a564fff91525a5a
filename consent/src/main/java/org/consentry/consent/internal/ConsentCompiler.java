package org.consentry.consent.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Decision;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;

/**
 * Selects the Consents that can apply to access decisions and compiles them. Not API: use {@code
 * ConsentEngine.compile}.
 */
public final class ConsentCompiler {

  static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private enum Scope {
    PRIVACY,
    RESEARCH,
    NOT_ACCESS_CONTROL
  }

  private final String obligationExtension;
  private final PurposeHierarchy purposes;

  public ConsentCompiler(String obligationExtension) {
    this.obligationExtension = obligationExtension;
    this.purposes = PurposeHierarchy.bundled();
  }

  public CompiledConsents compile(
      String patientId, Collection<Consent> consents, ReferenceResolver resolver) {
    String patient = "Patient/" + patientId;
    List<CompiledConsent> kept = new ArrayList<>();
    for (Consent consent : consents) {
      if (consent == null
          || consent.getStatus() != Consent.ConsentState.ACTIVE
          || !consent.hasPatient()
          || !patient.equals(References.normalize(consent.getPatient()))) {
        continue;
      }
      Scope scope = scope(consent);
      if (scope == Scope.NOT_ACCESS_CONTROL) {
        continue;
      }
      String id =
          consent.hasIdElement() && consent.getIdElement().hasIdPart()
              ? "Consent/" + consent.getIdElement().getIdPart()
              : "Consent/(no id)";
      ProvisionRule.Effect ruleEffect = policyRuleEffect(consent);
      Consent.ProvisionComponent root =
          consent.hasProvision() ? consent.getProvision() : new Consent.ProvisionComponent();
      if (!consent.hasProvision() && ruleEffect == ProvisionRule.Effect.NONE) {
        continue;
      }
      ProvisionRule compiled =
          new ProvisionCompiler(id, obligationExtension, purposes, resolver)
              .compileRoot(root, ruleEffect);
      long dateTime = consent.hasDateTime() ? consent.getDateTime().getTime() : Long.MIN_VALUE;
      kept.add(new CompiledConsent(id, scope == Scope.RESEARCH, dateTime, compiled));
    }
    // most recent first: the first deny or permit found is the one cited (stable for equal dates)
    kept.sort(Comparator.comparingLong(CompiledConsent::dateTime).reversed());
    Decision ownRecord =
        new Decision(Decision.Outcome.PERMIT, null, null, "own record", false, Set.of());
    return new CompiledConsents(patientId, kept.toArray(CompiledConsent[]::new), ownRecord);
  }

  /** patient-privacy or research count; treatment and adr do not; no recognized scope: privacy. */
  private static Scope scope(Consent consent) {
    if (consent.hasScope()) {
      for (Coding coding : consent.getScope().getCoding()) {
        if (coding.hasSystem() && !CONSENT_SCOPE.equals(coding.getSystem())) {
          continue;
        }
        switch (String.valueOf(coding.getCode())) {
          case "patient-privacy" -> {
            return Scope.PRIVACY;
          }
          case "research" -> {
            return Scope.RESEARCH;
          }
          case "treatment", "adr" -> {
            return Scope.NOT_ACCESS_CONTROL;
          }
          default -> {
            // another code: keep looking
          }
        }
      }
    }
    return Scope.PRIVACY;
  }

  /** OPTIN/OPTINR permit, OPTOUT/OPTOUTE deny (v3-ActCode consent policy), else none. */
  private static ProvisionRule.Effect policyRuleEffect(Consent consent) {
    if (!consent.hasPolicyRule()) {
      return ProvisionRule.Effect.NONE;
    }
    CodeableConcept rule = consent.getPolicyRule();
    for (Coding coding : rule.getCoding()) {
      if (coding.hasSystem() && !ACT_CODE.equals(coding.getSystem())) {
        continue;
      }
      switch (String.valueOf(coding.getCode())) {
        case "OPTIN", "OPTINR" -> {
          return ProvisionRule.Effect.PERMIT;
        }
        case "OPTOUT", "OPTOUTE" -> {
          return ProvisionRule.Effect.DENY;
        }
        default -> {
          // another rule: keep looking
        }
      }
    }
    return ProvisionRule.Effect.NONE;
  }
}
