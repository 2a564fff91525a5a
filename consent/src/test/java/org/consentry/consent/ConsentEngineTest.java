package org.consentry.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.consent.Decision.Outcome.DENY;
import static org.consentry.consent.Decision.Outcome.PERMIT;
import static org.consentry.consent.Fixtures.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.consentry.consent.Fixtures.P;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which Consents count, how provisions nest and combine, and the special requesters. */
class ConsentEngineTest {

  private static final ConsentEngine ENGINE = engine();

  private static Decision decide(Requester requester, Resource resource, Consent... consents) {
    return ENGINE.decide(requester, resource, ENGINE.compile(PATIENT, List.of(consents)));
  }

  @Nested
  class WhichConsentsCount {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments("active", Consent.ConsentState.ACTIVE, "patient-privacy", "Patient/p1", DENY),
          arguments("draft", Consent.ConsentState.DRAFT, "patient-privacy", "Patient/p1", PERMIT),
          arguments(
              "proposed", Consent.ConsentState.PROPOSED, "patient-privacy", "Patient/p1", PERMIT),
          arguments(
              "rejected", Consent.ConsentState.REJECTED, "patient-privacy", "Patient/p1", PERMIT),
          arguments(
              "inactive (revoked)",
              Consent.ConsentState.INACTIVE,
              "patient-privacy",
              "Patient/p1",
              PERMIT),
          arguments(
              "entered-in-error",
              Consent.ConsentState.ENTEREDINERROR,
              "patient-privacy",
              "Patient/p1",
              PERMIT),
          arguments(
              "scope treatment is not access control",
              Consent.ConsentState.ACTIVE,
              "treatment",
              "Patient/p1",
              PERMIT),
          arguments(
              "scope adr is not access control",
              Consent.ConsentState.ACTIVE,
              "adr",
              "Patient/p1",
              PERMIT),
          arguments(
              "scope research, treatment request",
              Consent.ConsentState.ACTIVE,
              "research",
              "Patient/p1",
              PERMIT),
          arguments(
              "no scope is read as patient-privacy",
              Consent.ConsentState.ACTIVE,
              null,
              "Patient/p1",
              DENY),
          arguments(
              "another patient's Consent",
              Consent.ConsentState.ACTIVE,
              "patient-privacy",
              "Patient/p2",
              PERMIT),
          arguments(
              "absolute patient reference",
              Consent.ConsentState.ACTIVE,
              "patient-privacy",
              "https://consentry.example/fhir/Patient/p1",
              DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void consent_countsOnlyWhenActiveOwnAndAccessControl(
        String scenario,
        Consent.ConsentState status,
        String scope,
        String patient,
        Decision.Outcome expected) {
      Consent consent = consent("c1", deny());
      consent.setStatus(status);
      consent.setScope(scope == null ? null : new CodeableConcept(new Coding(SCOPE, scope, null)));
      consent.setPatient(new Reference(patient));
      assertThat(decide(practitioner("Practitioner/7"), observation("o1"), consent).outcome())
          .isEqualTo(expected);
    }

    @Test
    void compile_keepsOnlyCountingConsents_mostRecentFirst() {
      Consent draft = consent("draft", deny());
      draft.setStatus(Consent.ConsentState.DRAFT);
      PatientConsents compiled =
          ENGINE.compile(
              PATIENT,
              List.of(
                  dated("2020-01-01", consent("old", deny())),
                  draft,
                  scoped("treatment", consent("treat", permit())),
                  dated("2024-05-01", consent("new", permit()))));
      assertThat(compiled.patientId()).isEqualTo(PATIENT);
      assertThat(compiled.size()).isEqualTo(2);
      assertThat(compiled.consentIds()).containsExactly("Consent/new", "Consent/old");
    }
  }

  @Nested
  class PolicyRule {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments("no provision, OPTOUT: deny all", "OPTOUT", null, DENY),
          arguments("no provision, OPTIN: permit all", "OPTIN", null, PERMIT),
          arguments("no provision, no rule: ignored", null, null, PERMIT),
          arguments(
              "untyped root takes OPTOUT", "OPTOUT", untyped().resourceClass("Observation"), DENY),
          arguments("typed root wins over the rule", "OPTOUT", permit(), PERMIT),
          arguments(
              "untyped root without rule only groups",
              null,
              untyped().nest(deny().resourceClass("Condition")),
              PERMIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void policyRule_givesRootType(String scenario, String rule, P root, Decision.Outcome expected) {
      Consent consent = consent("c1", root);
      if (rule != null) {
        consent.setPolicyRule(
            new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", rule, null)));
      }
      // the research purpose defaults to deny, the treatment one to permit: use the one that shows
      // it
      Requester requester =
          expected == PERMIT && rule != null && rule.equals("OPTIN")
              ? system("HOPERAT", "Organization/3")
              : practitioner("Practitioner/7");
      Decision decision = decide(requester, observation("o1"), consent);
      assertThat(decision.outcome()).as(decision.reason()).isEqualTo(expected);
    }
  }

  @Nested
  class Nesting {
    static Stream<Arguments> table() {
      P psyDenied = permit().nest(deny().label("PSY"));
      P onlyPractitioner7 = deny().nest(permit().actor("Practitioner/7"));
      P sameDepth =
          permit().nest(permit().resourceClass("Observation"), deny().actor("Organization/3"));
      P threeLevels = permit().nest(deny().label("PSY").nest(permit().actor("Practitioner/7")));
      P scopedRoot = deny().actor("Organization/9").nest(permit().resourceClass("Observation"));
      return Stream.of(
          arguments(
              "exception denies PSY",
              psyDenied,
              practitioner("Practitioner/7"),
              labelled("PSY"),
              DENY,
              "provision.provision[0]"),
          arguments(
              "parent permits the rest",
              psyDenied,
              practitioner("Practitioner/7"),
              observation("o1"),
              PERMIT,
              "provision"),
          arguments(
              "exception permits the named practitioner",
              onlyPractitioner7,
              practitioner("Practitioner/7"),
              observation("o1"),
              PERMIT,
              "provision.provision[0]"),
          arguments(
              "everyone else denied",
              onlyPractitioner7,
              practitioner("Practitioner/8"),
              observation("o1"),
              DENY,
              "provision"),
          arguments(
              "deny wins at the same depth",
              sameDepth,
              practitioner("Practitioner/7"),
              observation("o1"),
              DENY,
              "provision.provision[1]"),
          arguments(
              "permit at depth 1 when deny there does not match",
              sameDepth,
              system("TREAT", "Organization/4"),
              observation("o1"),
              PERMIT,
              "provision.provision[0]"),
          arguments(
              "third level re-permits PSY to practitioner 7",
              threeLevels,
              practitioner("Practitioner/7"),
              labelled("PSY"),
              PERMIT,
              "provision.provision[0].provision[0]"),
          arguments(
              "second level denies PSY to practitioner 8",
              threeLevels,
              practitioner("Practitioner/8"),
              labelled("PSY"),
              DENY,
              "provision.provision[0]"),
          arguments(
              "root permits plain data",
              threeLevels,
              practitioner("Practitioner/8"),
              observation("o1"),
              PERMIT,
              "provision"),
          arguments(
              "nested applies only inside its parent",
              scopedRoot,
              system("TREAT", "Organization/4"),
              observation("o1"),
              PERMIT,
              null),
          arguments(
              "nested exception inside its parent",
              scopedRoot,
              system("TREAT", "Organization/9"),
              observation("o1"),
              PERMIT,
              "provision.provision[0]"),
          arguments(
              "parent decides outside the exception",
              scopedRoot,
              system("TREAT", "Organization/9"),
              condition(SNOMED, "1"),
              DENY,
              "provision"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void deepestMatchingProvision_decides(
        String scenario,
        P root,
        Requester requester,
        Resource resource,
        Decision.Outcome expected,
        String path) {
      Decision decision = decide(requester, resource, consent("c1", root));
      assertThat(decision.outcome()).as(decision.reason()).isEqualTo(expected);
      assertThat(decision.provisionPath()).isEqualTo(path);
    }
  }

  @Nested
  class SeveralConsents {
    static Stream<Arguments> table() {
      Consent permitAll = dated("2025-01-01", consent("recent-permit", permit()));
      Consent denyOrg = dated("2023-01-01", consent("old-deny", deny().actor("Organization/3")));
      Consent olderPermit = dated("2022-01-01", consent("older-permit", permit()));
      Consent denyPsy = dated("2021-01-01", consent("deny-psy", deny().label("PSY")));
      return Stream.of(
          arguments(
              "an older deny overrides a recent permit",
              List.of(permitAll, denyOrg),
              practitioner("Practitioner/7"),
              DENY,
              "Consent/old-deny"),
          arguments(
              "deny not applicable: permit",
              List.of(permitAll, denyOrg),
              system("TREAT", "Organization/4"),
              PERMIT,
              "Consent/recent-permit"),
          arguments(
              "two permits: the most recent is cited",
              List.of(olderPermit, permitAll),
              system("TREAT", "Organization/4"),
              PERMIT,
              "Consent/recent-permit"),
          arguments(
              "none applies: treatment default",
              List.of(denyPsy),
              practitioner("Practitioner/7"),
              PERMIT,
              null),
          arguments(
              "none applies: marketing falls back to deny",
              List.of(denyPsy),
              system("HMARKT", "Organization/3"),
              DENY,
              null),
          arguments(
              "none applies: CLINTRL inherits the TREAT default",
              List.of(denyPsy),
              system("CLINTRL", "Organization/3"),
              PERMIT,
              null),
          arguments(
              "none applies: COVAUTH inherits the HPAYMT default",
              List.of(denyPsy),
              system("COVAUTH", "Organization/3"),
              PERMIT,
              null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void denyOverrides_elsePermit_elsePolicyDefault(
        String scenario,
        List<Consent> consents,
        Requester requester,
        Decision.Outcome expected,
        String cited) {
      Decision decision =
          ENGINE.decide(requester, observation("o1"), ENGINE.compile(PATIENT, consents));
      assertThat(decision.outcome()).as(decision.reason()).isEqualTo(expected);
      assertThat(decision.consentId()).isEqualTo(cited);
    }

    @Test
    void noneApplies_reasonNamesThePurpose() {
      Decision decision = decide(system("HMARKT", "Organization/3"), observation("o1"));
      assertThat(decision.reason()).startsWith("default policy for purpose HMARKT");
    }

    @Test
    void customPolicy_researchOptOut_permitsWithoutConsent() {
      ConsentEngine optOut =
          new ConsentEngine(new ConsentPolicy(Map.of("HRESCH", PERMIT), DENY), CLOCK);
      Decision decision =
          optOut.decide(researcher(), observation("o1"), optOut.compile(PATIENT, List.of()));
      assertThat(decision.outcome()).isEqualTo(PERMIT);
    }
  }

  @Nested
  class OwnRecord {
    @Test
    void patient_seesOwnRecord_despiteDenyAll() {
      Decision decision = decide(patient(PATIENT), labelled("PSY"), consent("c1", deny()));
      assertThat(decision.outcome()).isEqualTo(PERMIT);
      assertThat(decision.reason()).isEqualTo("own record");
      assertThat(decision.consentId()).isNull();
    }

    @Test
    void anotherPatient_isDenied_byDenyAll() {
      assertThat(decide(patient("p2"), observation("o1"), consent("c1", deny())).outcome())
          .isEqualTo(DENY);
    }
  }

  @Nested
  class EmergencyAccess {
    static Stream<Arguments> table() {
      Consent denyAll = consent("deny-all", deny());
      Consent denyEmergency = consent("no-etreat", permit().nest(deny().purpose("ETREAT")));
      Consent denyTreatment = consent("no-treat", deny().purpose("TREAT"));
      Consent denyBtg = consent("no-btg", deny().purpose("BTG"));
      return Stream.of(
          arguments(
              "practitioner ETREAT overrides a deny",
              List.of(denyAll),
              practitioner("ETREAT", "Practitioner/7"),
              PERMIT,
              true),
          arguments(
              "practitioner BTG (is-a ETREAT) overrides",
              List.of(denyAll),
              practitioner("BTG", "Practitioner/7"),
              PERMIT,
              true),
          arguments(
              "explicit ETREAT deny is respected",
              List.of(denyEmergency),
              practitioner("ETREAT", "Practitioner/7"),
              DENY,
              false),
          arguments(
              "explicit BTG deny is respected for BTG",
              List.of(denyBtg),
              practitioner("BTG", "Practitioner/7"),
              DENY,
              false),
          arguments(
              "deny of TREAT is not an explicit emergency deny",
              List.of(denyTreatment),
              practitioner("ETREAT", "Practitioner/7"),
              PERMIT,
              true),
          arguments(
              "explicit deny in an older Consent beats a newer general deny",
              List.of(
                  dated("2025-01-01", consent("general", deny())),
                  dated("2020-01-01", denyEmergency)),
              practitioner("ETREAT", "Practitioner/7"),
              DENY,
              false),
          arguments(
              "a system client cannot break the glass",
              List.of(denyAll),
              system("ETREAT", "Organization/3"),
              DENY,
              false),
          arguments(
              "treatment purpose does not override",
              List.of(denyAll),
              practitioner("TREAT", "Practitioner/7"),
              DENY,
              false),
          arguments(
              "nothing to override: plain permit",
              List.of(),
              practitioner("ETREAT", "Practitioner/7"),
              PERMIT,
              false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void emergency_overridesDenyUnlessExplicitlyDenied(
        String scenario,
        List<Consent> consents,
        Requester requester,
        Decision.Outcome expected,
        boolean override) {
      Decision decision =
          ENGINE.decide(requester, observation("o1"), ENGINE.compile(PATIENT, consents));
      assertThat(decision.outcome()).as(decision.reason()).isEqualTo(expected);
      assertThat(decision.emergencyOverride()).isEqualTo(override);
      if (override) {
        assertThat(decision.reason()).contains("emergency access (ETREAT) overrides");
      }
    }

    @Test
    void emergency_overridesDefaultDeny_whenPolicyDeniesEmergency() {
      ConsentEngine strict = new ConsentEngine(new ConsentPolicy(Map.of(), DENY), CLOCK);
      Decision decision =
          strict.decide(
              practitioner("ETREAT", "Practitioner/7"),
              observation("o1"),
              strict.compile(PATIENT, List.of()));
      assertThat(decision.outcome()).isEqualTo(PERMIT);
      assertThat(decision.emergencyOverride()).isTrue();
    }
  }

  @Nested
  class ResearchOptIn {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments("no Consent: denied", List.of(), researcher(), DENY),
          arguments(
              "research Consent permits",
              List.of(scoped("research", consent("r", permit()))),
              researcher(),
              PERMIT),
          arguments(
              "research Consent for use permits",
              List.of(scoped("research", consent("r", permit().action("use")))),
              researcher(),
              PERMIT),
          arguments(
              "research Consent for access only: exports are use",
              List.of(scoped("research", consent("r", permit().action("access")))),
              researcher(),
              DENY),
          arguments(
              "research Consent with PSY exception",
              List.of(scoped("research", consent("r", permit().nest(deny().label("PSY"))))),
              researcher(),
              PERMIT),
          arguments(
              "general privacy permit does not opt in",
              List.of(consent("p", permit())),
              researcher(),
              DENY),
          arguments(
              "privacy permit naming HRESCH opts in",
              List.of(consent("p", permit().purpose("HRESCH"))),
              researcher(),
              PERMIT),
          arguments(
              "HRESCH permit does not cover HOPERAT",
              List.of(consent("p", permit().purpose("HRESCH"))),
              system("HOPERAT", "Organization/3"),
              PERMIT),
          arguments(
              "CLINTRCH is-a HRESCH",
              List.of(scoped("research", consent("r", permit().purpose("HRESCH")))),
              system("CLINTRCH", "Organization/3"),
              PERMIT),
          arguments(
              "research Consent ignored for treatment",
              List.of(scoped("research", consent("r", deny()))),
              practitioner("Practitioner/7"),
              PERMIT),
          arguments(
              "privacy deny still applies to research",
              List.of(
                  scoped("research", consent("r", permit())),
                  consent("p", deny().actor("Organization/60"))),
              researcher(),
              DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void research_isOptIn(
        String scenario, List<Consent> consents, Requester requester, Decision.Outcome expected) {
      Decision decision =
          ENGINE.decide(requester, observation("o1"), ENGINE.compile(PATIENT, consents));
      assertThat(decision.outcome()).as(decision.reason()).isEqualTo(expected);
    }
  }

  @Nested
  class Obligations {
    static Stream<Arguments> table() {
      Obligation redact = Obligation.policy("REDACT");
      Obligation mask = Obligation.policy("MASK");
      return Stream.of(
          arguments(
              "permit with REDACT",
              List.of(consent("c1", permit().obligation("REDACT"))),
              Set.of(redact)),
          arguments(
              "two obligations",
              List.of(consent("c1", permit().obligation("REDACT").obligation("MASK"))),
              Set.of(redact, mask)),
          arguments(
              "only the deciding provision's",
              List.of(
                  consent(
                      "c1", permit().obligation("REDACT").nest(permit().actor("Practitioner/7")))),
              Set.of()),
          arguments(
              "nested permit with MASK",
              List.of(
                  consent(
                      "c1", permit().nest(permit().actor("Practitioner/7").obligation("MASK")))),
              Set.of(mask)),
          arguments(
              "union over permitting Consents",
              List.of(
                  dated("2025-01-01", consent("a", permit().obligation("REDACT"))),
                  dated("2024-01-01", consent("b", permit().obligation("MASK")))),
              Set.of(redact, mask)),
          arguments(
              "none on a deny", List.of(consent("c1", deny().obligation("REDACT"))), Set.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decidingProvision_obligationsReturned(
        String scenario, List<Consent> consents, Set<Obligation> expected) {
      Decision decision =
          ENGINE.decide(
              practitioner("Practitioner/7"), observation("o1"), ENGINE.compile(PATIENT, consents));
      assertThat(decision.obligations()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Nested
  class Reasons {
    @Test
    void nestedDeny_reasonNamesConsentPathAndCriteria() {
      Decision decision =
          decide(
              practitioner("Practitioner/7"),
              labelled("PSY"),
              consent(
                  "c1", permit().nest(permit().resourceClass("Condition"), deny().label("PSY"))));
      assertThat(decision.reason())
          .isEqualTo("denied by Consent/c1 provision.provision[1] (securityLabel PSY)");
      assertThat(decision.consentId()).isEqualTo("Consent/c1");
    }

    @Test
    void permit_reasonNamesActorAndClass() {
      Decision decision =
          decide(
              practitioner("Practitioner/7"),
              observation("o1"),
              consent("c2", permit().actor("Practitioner/7").resourceClass("Observation")));
      assertThat(decision.reason())
          .isEqualTo("permitted by Consent/c2 provision (actor Practitioner/7; class Observation)");
    }

    @Test
    void rootWithoutCriteria_reasonSaysAllData() {
      Decision decision =
          decide(practitioner("Practitioner/7"), observation("o1"), consent("c3", deny()));
      assertThat(decision.reason()).isEqualTo("denied by Consent/c3 provision (all data)");
    }

    @Test
    void emergencyOverride_reasonNamesOverriddenDeny() {
      Decision decision =
          decide(
              practitioner("ETREAT", "Practitioner/7"),
              observation("o1"),
              consent("c4", deny().actor("Organization/3")));
      assertThat(decision.reason())
          .isEqualTo(
              "emergency access (ETREAT) overrides the deny of Consent/c4 provision (actor Organization/3)");
      assertThat(decision.consentId()).isEqualTo("Consent/c4");
    }
  }

  @Test
  void decide_neverModifiesTheResource() {
    Resource resource = patientResource();
    decide(
        practitioner("Practitioner/7"),
        resource,
        consent(
            "c1",
            deny()
                .label("PSY")
                .code(LOINC, "1")
                .dataPeriod("2020-01-01", null)
                .data(Consent.ConsentDataMeaning.DEPENDENTS, "Encounter/e1")));
    assertThat(resource.hasMeta()).isFalse();
  }
}
