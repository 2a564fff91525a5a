package org.consentry.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.consentry.consent.Decision.Outcome.DENY;
import static org.consentry.consent.Decision.Outcome.PERMIT;
import static org.consentry.consent.Fixtures.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.stream.Stream;
import org.consentry.terminology.SensitivityCategory;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Research Consents for one study: the consent-ResearchStudyContext extension on a provision. */
class ResearchStudyConsentTest {

  private static final ConsentEngine ENGINE = engine();
  private static final Requester STUDY_A = researcher("ResearchStudy/A");
  private static final Requester STUDY_B = researcher("ResearchStudy/B");
  private static final SensitivityCategory MENTAL_HEALTH = SensitivityCategory.PSY;

  private static Decision decide(Requester requester, Resource resource, Consent... consents) {
    return ENGINE.decide(requester, resource, ENGINE.compile(PATIENT, List.of(consents)));
  }

  private static Consent research(String id, P root) {
    return scoped("research", consent(id, root));
  }

  private static Observation mentalHealth() {
    Observation observation = observation("o-mh");
    observation.getMeta().addSecurity(MENTAL_HEALTH.toCoding());
    return observation;
  }

  private static P denyMentalHealth() {
    return deny().label(MENTAL_HEALTH.system(), MENTAL_HEALTH.code());
  }

  @Nested
  class WhichStudy {
    @Test
    void optInForStudyA_permitsA_notB() {
      Consent optIn = research("c1", permit().study("ResearchStudy/A"));
      Decision forA = decide(STUDY_A, observation("o1"), optIn);
      assertThat(forA.outcome()).isEqualTo(PERMIT);
      assertThat(forA.reason())
          .isEqualTo("permitted by Consent/c1 provision (study ResearchStudy/A)");
      Decision forB = decide(STUDY_B, observation("o1"), optIn);
      assertThat(forB.outcome()).isEqualTo(DENY);
      assertThat(forB.reason())
          .as("the Consent does not apply to B: research is opt-in")
          .isEqualTo("default policy for purpose HRESCH: deny (no Consent applies)");
    }

    @Test
    void optInForAllStudies_permitsEveryStudy() {
      Consent optIn = research("c1", permit());
      assertThat(decide(STUDY_A, observation("o1"), optIn).outcome()).isEqualTo(PERMIT);
      assertThat(decide(STUDY_B, observation("o1"), optIn).outcome()).isEqualTo(PERMIT);
      assertThat(decide(researcher(), observation("o1"), optIn).outcome())
          .as("a researcher without a study")
          .isEqualTo(PERMIT);
    }

    @Test
    void studySpecificProvision_doesNotMatchARequesterWithoutThatStudy() {
      Consent optIn = research("c1", permit().study("ResearchStudy/A"));
      assertThat(decide(researcher(), observation("o1"), optIn).outcome()).isEqualTo(DENY);
      Consent privacy = consent("c2", permit().nest(deny().study("ResearchStudy/A")));
      assertThat(decide(practitioner("Practitioner/7"), observation("o1"), privacy).outcome())
          .as("a deny for a study does not reach a clinician")
          .isEqualTo(PERMIT);
    }

    @Test
    void allStudies_withNestedMentalHealthDeny_hidesOnlyLabelledData() {
      Consent optIn = research("c1", permit().nest(denyMentalHealth()));
      for (Requester requester : List.of(STUDY_A, STUDY_B)) {
        assertThat(decide(requester, observation("o1"), optIn).outcome()).isEqualTo(PERMIT);
        Decision labelled = decide(requester, mentalHealth(), optIn);
        assertThat(labelled.outcome()).isEqualTo(DENY);
        assertThat(labelled.reason())
            .isEqualTo("denied by Consent/c1 provision.provision[0] (securityLabel PSY)");
      }
    }

    static Stream<Arguments> denyForB() {
      return Stream.of(
          arguments(
              "one Consent, nested deny",
              List.of(research("c1", permit().nest(deny().study("ResearchStudy/B"))))),
          arguments(
              "two Consents",
              List.of(
                  research("c1", permit()),
                  dated("2025-01-01", research("c2", deny().study("ResearchStudy/B"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denyForB")
    void denyForStudyB_withOptInForAll_permitsAOnly(String scenario, List<Consent> consents) {
      PatientConsents compiled = ENGINE.compile(PATIENT, consents);
      assertThat(ENGINE.decide(STUDY_A, observation("o1"), compiled).outcome()).isEqualTo(PERMIT);
      Decision forB = ENGINE.decide(STUDY_B, observation("o1"), compiled);
      assertThat(forB.outcome()).isEqualTo(DENY);
      assertThat(forB.reason()).endsWith("(study ResearchStudy/B)");
    }

    @ParameterizedTest
    @MethodSource("absoluteForms")
    void absoluteOrVersionedReference_isReducedToResearchStudyId(String reference) {
      Consent optIn = research("c1", permit().study(reference));
      assertThat(decide(STUDY_A, observation("o1"), optIn).outcome()).isEqualTo(PERMIT);
      assertThat(decide(STUDY_B, observation("o1"), optIn).outcome()).isEqualTo(DENY);
    }

    static Stream<String> absoluteForms() {
      return Stream.of(
          "https://research.example/fhir/ResearchStudy/A",
          "ResearchStudy/A/_history/3",
          "https://research.example/fhir/ResearchStudy/A/_history/3");
    }
  }

  @Nested
  class UnreadableStudy {
    static Stream<Arguments> values() {
      return Stream.of(
          arguments("no value", null),
          arguments("a reference with only an identifier", identifierOnly()),
          arguments("a reference to another type", new Reference("Group/A")),
          arguments("a contained reference", new Reference("#A")),
          arguments("a bare id", new Reference("A")),
          arguments("a string instead of a reference", new StringType("ResearchStudy/A")));
    }

    private static Reference identifierOnly() {
      Reference reference = new Reference();
      reference.setIdentifier(new Identifier().setSystem("urn:study").setValue("A"));
      return reference;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void permit_appliesToNoStudy(String scenario, Type value) {
      Consent optIn = research("c1", permit().studyValue(value));
      assertThat(decide(STUDY_A, observation("o1"), optIn).outcome()).isEqualTo(DENY);
      assertThat(decide(researcher(), observation("o1"), optIn).outcome()).isEqualTo(DENY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void deny_appliesToEveryStudy(String scenario, Type value) {
      Consent optIn = research("c1", permit());
      Consent optOut = dated("2025-01-01", research("c2", deny().studyValue(value)));
      Decision decision = decide(STUDY_A, observation("o1"), optIn, optOut);
      assertThat(decision.outcome()).isEqualTo(DENY);
      assertThat(decision.reason())
          .isEqualTo(
              "denied by Consent/c2 provision (study unreadable (read as every study for a deny,"
                  + " none for a permit))");
    }

    @Test
    void oneUnreadableValueAmongSeveral_makesTheStudyUnknown() {
      Consent optIn =
          research("c1", permit().study("ResearchStudy/A").studyValue(new Reference("Group/A")));
      assertThat(decide(STUDY_A, observation("o1"), optIn).outcome()).isEqualTo(DENY);
      Consent twoStudies =
          research("c2", permit().study("ResearchStudy/A").study("ResearchStudy/B"));
      assertThat(decide(STUDY_B, observation("o1"), twoStudies).outcome())
          .as("several readable studies: any of them")
          .isEqualTo(PERMIT);
    }

    @Test
    void permitsBelowAnUnreadableStudy_neverDecide_deniesStill() {
      // permit (unreadable) > deny mental health > permit for Practitioner/50 (the researcher)
      Consent consent =
          research(
              "c1",
              permit()
                  .studyValue(new Reference("Group/A"))
                  .nest(denyMentalHealth().nest(permit().actor("Practitioner/50"))));
      assertThat(decide(STUDY_A, observation("o1"), consent).outcome())
          .as("the root permit does not apply")
          .isEqualTo(DENY);
      Decision labelled = decide(STUDY_A, mentalHealth(), consent);
      assertThat(labelled.outcome()).isEqualTo(DENY);
      assertThat(labelled.reason())
          .as("the nested deny decides, not the nested permit")
          .isEqualTo("denied by Consent/c1 provision.provision[0] (securityLabel PSY)");
      // the nested deny wins over another Consent's opt-in for every study
      Consent optIn = dated("2023-01-01", research("c2", permit()));
      assertThat(decide(STUDY_B, mentalHealth(), consent, optIn).outcome()).isEqualTo(DENY);
      assertThat(decide(STUDY_B, observation("o1"), consent, optIn).outcome()).isEqualTo(PERMIT);
    }
  }

  @Nested
  class Dependence {
    private static ContentDependence of(Requester requester, Consent... consents) {
      return ENGINE.dependence(requester, ENGINE.compile(PATIENT, List.of(consents)));
    }

    @Test
    void studySpecificOptIn_isReachableOnlyForItsStudy() {
      Consent optIn = research("c1", permit().study("ResearchStudy/A").nest(denyMentalHealth()));
      ContentDependence forA = of(STUDY_A, optIn);
      assertThat(forA.labels())
          .extracting(Coding::getSystem, Coding::getCode)
          .containsExactly(tuple(MENTAL_HEALTH.system(), MENTAL_HEALTH.code()));
      assertThat(forA.otherContent()).isFalse();
      assertThat(forA.validUntil()).isEqualTo(Long.MAX_VALUE);
      assertThat(of(STUDY_B, optIn))
          .as("another study: nothing of the Consent applies")
          .isEqualTo(ContentDependence.none());
    }
  }

  /** The README's example, as JSON: opt-in for one study, without mental-health data. */
  @Test
  void readmeExample_optInForOneStudy_withoutMentalHealth() {
    String json =
        """
        { "resourceType": "Consent", "id": "c1", "status": "active",
          "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "research"}]},
          "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
          "patient": {"reference": "Patient/p1"}, "dateTime": "2025-01-10",
          "provision": {"type": "permit",
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/consent-ResearchStudyContext",
              "valueReference": {"reference": "ResearchStudy/A"}}],
            "provision": [{"type": "deny",
              "securityLabel": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PSY"}]}]} }
        """;
    Consent consent = FhirContext.forR4Cached().newJsonParser().parseResource(Consent.class, json);
    assertThat(decide(STUDY_A, observation("o1"), consent).outcome()).isEqualTo(PERMIT);
    assertThat(decide(STUDY_A, mentalHealth(), consent).outcome()).isEqualTo(DENY);
    assertThat(decide(STUDY_B, observation("o1"), consent).outcome()).isEqualTo(DENY);
  }
}
