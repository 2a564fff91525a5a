package org.consentry.consent;

import java.time.Clock;
import java.util.Collection;
import java.util.Objects;
import org.consentry.consent.internal.ConsentCompiler;
import org.consentry.consent.internal.DependenceAnalysis;
import org.consentry.consent.internal.Evaluator;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Decides, from a patient's FHIR R4 {@code Consent} resources, whether a requester may see one of
 * that patient's resources. A pure function of (requester, resource, compiled Consents, clock): no
 * I/O while deciding, no HAPI server types. The HAPI {@code IConsentService} adapter in {@code
 * fhir-server} only enforces what this returns. Full rules and examples: {@code consent/README.md}.
 *
 * <h2>Which Consents count</h2>
 *
 * {@code status = active}; {@code patient} is the patient; {@code scope} (consentscope) {@code
 * patient-privacy}, or {@code research} which counts only for research purposes ({@code HRESCH} and
 * its specializations); {@code treatment} and {@code adr} Consents are not access control and are
 * ignored; a Consent without scope is read as patient-privacy (the safe reading of an invalid
 * resource). Any {@code category} is accepted. {@code provision.period} must include the clock's
 * now (checked at decision time).
 *
 * <h2>One Consent: the provision tree</h2>
 *
 * A provision matches when all its present criteria match; a nested provision is only considered
 * where its parent matches (its criteria narrow the parent's):
 *
 * <ul>
 *   <li>{@code period}: now within it (bounds inclusive, to the precision given).
 *   <li>{@code actor}: any {@code actor.reference} equals the requester's {@code fhirUser}, {@code
 *       organization} or one of its {@code actorReferences} (CareTeam, Group, PractitionerRole,
 *       RelatedPerson memberships supplied by the server). {@code actor.role} is not evaluated: on
 *       a read the requester is always the information recipient.
 *   <li>study: the extension {@value #RESEARCH_STUDY_EXTENSION} ({@code valueReference} to a
 *       ResearchStudy; absolute or versioned references are reduced to {@code ResearchStudy/id})
 *       names the study the provision is for: it matches only a requester that acts for that study,
 *       i.e. has {@code ResearchStudy/id} among its {@code actorReferences}. Without it a research
 *       Consent applies to every study. An unreadable value (no reference, not a ResearchStudy)
 *       fails safe: the provision is read as applying to every study, so a deny there (and the
 *       denies below it) still denies, and no permit at or below it ever decides.
 *   <li>{@code action} (consentaction): the request's action must be listed. Reads are {@code
 *       access}; research requests (kind RESEARCHER or a purpose under HRESCH) are {@code use}.
 *   <li>{@code purpose} (v3-ActReason): the requester's purpose is-a a listed purpose, along the
 *       bundled v3-ActReason hierarchy ({@code TREAT} covers {@code ETREAT}, {@code BTG}, {@code
 *       COC}, {@code CLINTRL}, {@code POPHLTH}; {@code HRESCH} is not under {@code HOPERAT}, it is
 *       a sibling).
 *   <li>{@code securityLabel}: any listed label (system and code) is in {@code meta.security}.
 *   <li>{@code class}: the resource type is listed (system {@code
 *       http://hl7.org/fhir/resource-types} or none).
 *   <li>{@code code}: any of the resource's own codes (Observation.code, Condition.code,
 *       MedicationRequest.medicationCodeableConcept, Immunization.vaccineCode, Encounter.type...)
 *       is listed; a listed coding without system matches that code in any system.
 *   <li>{@code dataPeriod}: the resource's clinical date or period overlaps it; a resource with no
 *       clinical date does not match.
 *   <li>{@code data}: {@code instance} the resource itself; {@code related} it and what it refers
 *       to (expanded with the {@link ReferenceResolver} at compile time); {@code dependents} it and
 *       the resources that refer to it; {@code authoredby} resources whose
 *       author/recorder/asserter/performer/requester is the referenced one.
 * </ul>
 *
 * The deepest matching provision that has a type decides; deny wins over permit at the same depth.
 * A provision without type inherits its parent's; a root without type takes it from {@code
 * policyRule} (OPTIN/OPTINR permit, OPTOUT/OPTOUTE deny), else it only groups exceptions. A Consent
 * with no provision at all applies its {@code policyRule} to everything. If no provision of a
 * Consent matches, that Consent does not apply.
 *
 * <h2>Several Consents, defaults, special requesters</h2>
 *
 * <ol>
 *   <li>The patient always sees their own record ({@code PERMIT}, reason "own record").
 *   <li>Deny overrides: if any applicable Consent decides deny, the answer is deny, citing the most
 *       recent such Consent ({@code Consent.dateTime}). Else if any decides permit, permit, citing
 *       the most recent, with the union of the obligations of all permitting Consents.
 *   <li>Else the {@link ConsentPolicy} default for the requester's purpose.
 *   <li>Research is opt-in: for a research purpose, a permit counts only from a research-scope
 *       Consent or from a provision (or ancestor) with explicit purpose criteria; denies always
 *       count.
 *   <li>Emergency access: a PRACTITIONER with purpose {@code ETREAT} (or BTG/ERTREAT under it) is
 *       permitted even where the result would be deny, with {@code emergencyOverride = true},
 *       unless a matching deny provision explicitly lists an emergency purpose (ETREAT, BTG,
 *       ERTREAT).
 * </ol>
 *
 * <h2>Obligations</h2>
 *
 * A provision asks for masking with the extension {@value #OBLIGATION_EXTENSION} ({@code
 * valueCoding}, e.g. v3-ObligationPolicy {@code REDACT}); the deciding provision's obligations are
 * returned in {@link Decision#obligations()}.
 *
 * <h2>Cost and thread safety</h2>
 *
 * {@link #compile} does the work once (hash sets of actor and study references, label and code
 * keys, resource types, periods as epoch milliseconds, and the decision objects themselves). {@link
 * #decide} then performs hash lookups and reads the resource's codes and dates only when a
 * provision on the path needs them; only {@code dependents} walks the resource's references.
 * Period, purpose, action, actor and study depend only on the requester and the clock, never on the
 * resource: {@link #dependence} uses them to find the provisions that can apply. The engine is
 * immutable and thread-safe; it never modifies the resource.
 */
public final class ConsentEngine {

  /** The provision extension that carries an obligation as {@code valueCoding}. */
  public static final String OBLIGATION_EXTENSION =
      "http://consentry.org/fhir/StructureDefinition/consent-obligation";

  /**
   * The standard provision extension naming the research study ({@code valueReference},
   * Reference(ResearchStudy)) a provision is for.
   */
  public static final String RESEARCH_STUDY_EXTENSION =
      "http://hl7.org/fhir/StructureDefinition/consent-ResearchStudyContext";

  private final Clock clock;
  private final ConsentCompiler compiler;
  private final Evaluator evaluator;
  private final DependenceAnalysis dependence = new DependenceAnalysis();

  public ConsentEngine(ConsentPolicy policy, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.compiler = new ConsentCompiler(OBLIGATION_EXTENSION);
    this.evaluator = new Evaluator(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Pre-processes a patient's Consent resources once (cache the result per patient). Ignores
   * Consents that are not active, not of this patient, or not access control; keeps period checks
   * for decision time. The resolver expands {@code data} references with meaning {@code related}.
   *
   * @param patientId the bare patient id ({@code "123"})
   * @throws NullPointerException if an argument is null
   */
  public PatientConsents compile(
      String patientId, Collection<Consent> consents, ReferenceResolver resolver) {
    Objects.requireNonNull(patientId, "patientId");
    Objects.requireNonNull(consents, "consents");
    Objects.requireNonNull(resolver, "resolver");
    return new PatientConsents(compiler.compile(patientId, consents, resolver));
  }

  /** {@link #compile(String, Collection, ReferenceResolver)} without a resolver. */
  public PatientConsents compile(String patientId, Collection<Consent> consents) {
    return compile(patientId, consents, ReferenceResolver.none());
  }

  /**
   * The decision for one resource of the patient the consents were compiled for. The caller
   * guarantees the resource belongs to that patient; the resource is read, never modified.
   *
   * @throws NullPointerException if an argument is null
   */
  public Decision decide(Requester requester, Resource resource, PatientConsents consents) {
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(consents, "consents");
    return evaluator.decide(requester, resource, consents.compiled(), clock.millis());
  }

  /**
   * What the patient's Consents test of a resource when this requester asks, now: lets a server
   * decide once per resource type and label combination (with {@link #decide} on a stand-in
   * resource of that type carrying those labels) instead of once per resource, and push the result
   * into its database query. See {@link ContentDependence}.
   *
   * @throws NullPointerException if an argument is null
   */
  public ContentDependence dependence(Requester requester, PatientConsents consents) {
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(consents, "consents");
    return dependence.analyse(requester, consents.compiled(), clock.millis());
  }
}
