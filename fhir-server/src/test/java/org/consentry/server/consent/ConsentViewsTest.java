package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.ConsentPolicy;
import org.consentry.consent.PatientConsents;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

/** The consent view: what of a type each requester may see, as owner and owner-label predicates. */
class ConsentViewsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
  private static final ConsentEngine ENGINE = new ConsentEngine(ConsentPolicy.defaults(), CLOCK);
  private static final String ACTOR =
      """
			{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
			 "reference":{"reference":"%s"}}""";

  private final Map<String, PatientConsents> consenting = new HashMap<>();
  private final ConsentViews views =
      new ConsentViews(
          FHIR,
          ENGINE,
          generation -> consenting,
          (type, labelsGeneration) -> label -> true,
          new PatientCompartment(FHIR),
          CLOCK);

  private static Requester practitioner(String user, String organization, String purpose) {
    return new Requester(
        Requester.Kind.PRACTITIONER,
        user,
        null,
        user,
        organization,
        Set.of(),
        Set.of("user/*.rs"),
        purpose,
        "app");
  }

  private static final Requester DR_A = practitioner("Practitioner/a", "Organization/A", "TREAT");
  private static final Requester DR_B = practitioner("Practitioner/b", "Organization/B", "TREAT");
  private static final Requester EHR =
      new Requester(
          Requester.Kind.SYSTEM,
          "ehr",
          null,
          null,
          "Organization/B",
          Set.of(),
          Set.of("system/*.rs"),
          "TREAT",
          "ehr");
  private static final Requester RESEARCHER =
      new Requester(
          Requester.Kind.RESEARCHER, "rita", null, null, null, Set.of(), Set.of(), "HRESCH", "app");

  private void consent(String patient, String provision) {
    Consent consent =
        FHIR.newJsonParser()
            .parseResource(
                Consent.class,
                """
				{"resourceType":"Consent","id":"c-%s","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"%s"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z","provision":%s}"""
                    .formatted(
                        patient,
                        provision.contains("HRESCH") ? "research" : "patient-privacy",
                        patient,
                        provision));
    consenting.put(patient, ENGINE.compile(patient, List.of(consent)));
  }

  @Test
  void noConsents_hideOnlyWhatBelongsToNobody_fromUsers() {
    ConsentView view = views.view(DR_A, "Observation", 1, null);
    assertThat(view.parameters())
        .containsExactly(Map.entry(OwnerIndex.OWNER + ":not", OwnerIndex.NOBODY));
    assertThat(view.exact()).isTrue();
    assertThat(views.view(EHR, "Observation", 1, null).parameters()).isEmpty();
    assertThat(views.view(DR_A, "Organization", 1, null).parameters())
        .as("directory data that belongs to nobody")
        .isEmpty();
    assertThat(views.view(DR_A, "CodeSystem", 1, null)).isSameAs(ConsentView.OPEN);
  }

  @Test
  void deniedOrganization_hidesThePatientEntirely_fromItsPractitionersOnly() {
    consent("p1", "{\"type\":\"deny\",\"actor\":[" + ACTOR.formatted("Organization/A") + "]}");
    assertThat(views.view(DR_A, "Observation", 1, null).hidden())
        .containsExactly("p1", OwnerIndex.NOBODY);
    assertThat(views.view(DR_B, "Observation", 1, null).hidden())
        .containsExactly(OwnerIndex.NOBODY);
    assertThat(views.view(DR_A, "Observation", 1, null).exact()).isTrue();
  }

  @Test
  void categoryKeptForOnePractitioner_hidesThatLabelOfThatPatient_fromEveryoneElse() {
    consent(
        "p2",
        """
				{"type":"permit","provision":[{"type":"deny",
				  "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}],
				  "provision":[{"type":"permit","actor":[%s]}]}]}"""
            .formatted(ACTOR.formatted("Practitioner/b")));
    ConsentView others = views.view(DR_A, "Condition", 1, null);
    assertThat(others.hiddenLabels())
        .containsExactly(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode|"
                + OwnerIndex.ownerLabel("p2", "PSY"));
    assertThat(others.hidden()).doesNotContain("p2");
    assertThat(others.exact()).isTrue();
    assertThat(views.view(DR_B, "Condition", 1, null).hiddenLabels())
        .as("the permitted practitioner")
        .isEmpty();
  }

  @Test
  void labelNoResourceOfTheTypeCarries_isLeftOut_untilOneDoes() {
    Map<String, Set<String>> carried = new HashMap<>(Map.of("Condition", Set.of("PSY")));
    ConsentViews byType =
        new ConsentViews(
            FHIR,
            ENGINE,
            generation -> consenting,
            (type, labelsGeneration) ->
                labelsGeneration == null
                    ? label -> true
                    : label -> carried.getOrDefault(type, Set.of()).contains(label.getCode()),
            new PatientCompartment(FHIR),
            CLOCK);
    consent(
        "p2",
        """
				{"type":"permit","provision":[{"type":"deny",
				  "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]}]}""");
    assertThat(byType.view(DR_A, "Condition", 1, 7L).hiddenLabels()).hasSize(1);
    ConsentView patients = byType.view(DR_A, "Patient", 1, 7L);
    assertThat(patients.hiddenLabels()).as("no Patient carries PSY").isEmpty();
    assertThat(patients.parameters())
        .containsExactly(Map.entry(OwnerIndex.OWNER + ":not", OwnerIndex.NOBODY));
    assertThat(patients.exact()).isTrue();
    assertThat(patients.namesOthers(Set.of("p9"))).as("only the nobody entry").isTrue();
    assertThat(patients.restrictedTo(Set.of("p2")).parameters())
        .as("a search of p2 alone needs nothing")
        .isEmpty();
    assertThat(byType.view(DR_A, "Patient", 1, null).hiddenLabels())
        .as("no labels generation: every label kept")
        .hasSize(1);

    carried.put("Patient", Set.of("PSY"));
    assertThat(byType.view(DR_A, "Patient", 1, 7L))
        .as("kept for its labels generation")
        .isSameAs(patients);
    assertThat(byType.view(DR_A, "Patient", 1, 8L).hiddenLabels())
        .as("a Patient carried PSY at the next generation")
        .containsExactly(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode|"
                + OwnerIndex.ownerLabel("p2", "PSY"));
  }

  @Test
  void consentOnAType_hidesThePatientForThatTypeOnly() {
    consent(
        "p3",
        """
				{"type":"permit","provision":[{"type":"deny","class":[{"system":"http://hl7.org/fhir/resource-types","code":"Observation"}]}]}""");
    assertThat(views.view(DR_A, "Observation", 1, null).hidden()).contains("p3");
    assertThat(views.view(DR_A, "Condition", 1, null).hidden()).doesNotContain("p3");
  }

  @Test
  void consentOnACode_isDecidedPerResource_andTheViewIsNotExact() {
    consent(
        "p4",
        """
				{"type":"permit","provision":[{"type":"deny","code":[{"coding":[{"system":"http://loinc.org","code":"1-8"}]}]}]}""");
    ConsentView view = views.view(DR_A, "Observation", 1, null);
    assertThat(view.perResource()).containsExactly("p4");
    assertThat(view.exact()).isFalse();
    assertThat(view.hidden()).doesNotContain("p4");
    assertThat(views.view(DR_A, "Binary", 1, null).exact())
        .as("export files are bound per resource")
        .isFalse();
    assertThat(views.view(DR_A, "Binary", 1, null).hidden())
        .as("an export file belongs to nobody")
        .isEmpty();
  }

  @Test
  void research_admitsOnlyThePatientsWhoOptedIn() {
    consent(
        "p5",
        """
				{"type":"permit","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}""");
    consent("p1", "{\"type\":\"deny\",\"actor\":[" + ACTOR.formatted("Organization/A") + "]}");
    ConsentView view = views.view(RESEARCHER, "Observation", 1, null);
    assertThat(view.admitted()).containsExactly("p5");
    assertThat(view.parameters()).containsEntry(OwnerIndex.OWNER, "p5");
  }

  @Test
  void futureConsentPeriod_limitsHowLongTheViewHolds() {
    consent(
        "p6",
        """
				{"type":"deny","period":{"start":"2026-07-01"},"actor":[%s]}"""
            .formatted(ACTOR.formatted("Organization/A")));
    ConsentView view = views.view(DR_A, "Observation", 1, null);
    assertThat(view.hidden()).doesNotContain("p6");
    assertThat(view.validUntil()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void aNewGeneration_isANewView() {
    ConsentView before = views.view(DR_A, "Observation", 1, null);
    consent("p1", "{\"type\":\"deny\",\"actor\":[" + ACTOR.formatted("Organization/A") + "]}");
    assertThat(views.view(DR_A, "Observation", 1, null))
        .as("cached for its generation")
        .isSameAs(before);
    assertThat(views.view(DR_A, "Observation", 2, null).hidden()).contains("p1");
  }

  @Test
  void restrictedToSomePatients_keepsTheirEntries_only() {
    consent("p1", "{\"type\":\"deny\",\"actor\":[" + ACTOR.formatted("Organization/A") + "]}");
    consent("p7", "{\"type\":\"deny\",\"actor\":[" + ACTOR.formatted("Organization/A") + "]}");
    consent(
        "p2",
        """
				{"type":"permit","provision":[{"type":"deny",
				  "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]}]}""");
    consent(
        "p4",
        """
				{"type":"permit","provision":[{"type":"deny","code":[{"coding":[{"system":"http://loinc.org","code":"1-8"}]}]}]}""");
    ConsentView whole = views.view(DR_A, "Observation", 1, null);
    assertThat(whole.hidden()).containsExactly("p1", "p7", OwnerIndex.NOBODY);
    assertThat(whole.namesOthers(List.of("p1"))).isTrue();
    assertThat(whole.namesOthers(List.of("p1", "p2", "p4", "p7", OwnerIndex.NOBODY)))
        .as("what belongs to nobody is never among a search's patients")
        .isTrue();

    ConsentView hidden = whole.restrictedTo(List.of("p1", "p3"));
    assertThat(hidden.hidden()).containsExactly("p1");
    assertThat(hidden.hiddenLabels()).isEmpty();
    assertThat(hidden.exact()).as("p4 is not among them").isTrue();
    assertThat(hidden.parameters()).containsExactly(Map.entry(OwnerIndex.OWNER + ":not", "p1"));

    ConsentView labelled = whole.restrictedTo(Set.of("p2"));
    assertThat(labelled.hidden()).isEmpty();
    assertThat(labelled.hiddenLabels())
        .containsExactly(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode|"
                + OwnerIndex.ownerLabel("p2", "PSY"));

    ConsentView perResource = whole.restrictedTo(Set.of("p4", "p2"));
    assertThat(perResource.perResource()).containsExactly("p4");
    assertThat(perResource.exact()).isFalse();

    ConsentView named = whole.restrictedTo(whole.owners().keySet());
    assertThat(named.hidden())
        .as("restricted to every owner it names, it is the whole view but for nobody's")
        .containsExactly("p1", "p7");
    assertThat(named.hiddenLabels()).isEqualTo(whole.hiddenLabels());
    assertThat(named.perResource()).isEqualTo(whole.perResource());
    assertThat(named.namesOthers(List.of("p1", "p2", "p4", "p7"))).isFalse();
    ConsentView unnamed = whole.restrictedTo(Set.of("p3"));
    assertThat(unnamed.parameters()).as("p3 is seen entirely: nothing to add").isEmpty();
    assertThat(unnamed)
        .as("the same for every requester who sees p3 entirely")
        .isEqualTo(views.view(DR_B, "Observation", 1, null).restrictedTo(Set.of("p3")));
  }

  @Test
  void restrictedResearchView_admitsOnlyThoseWhoOptedIn_amongThem() {
    consent(
        "p5",
        """
				{"type":"permit","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}""");
    consent(
        "p8",
        """
				{"type":"permit","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}""");
    ConsentView whole = views.view(RESEARCHER, "Observation", 1, null);
    assertThat(whole.admitted()).containsExactly("p5", "p8");
    assertThat(whole.restrictedTo(Set.of("p5", "p1")).parameters())
        .containsExactly(Map.entry(OwnerIndex.OWNER, "p5"));
    assertThat(whole.restrictedTo(Set.of("p1")).parameters())
        .as("nobody among them opted in")
        .containsExactly(Map.entry(OwnerIndex.OWNER, ConsentView.NO_OWNER));
  }

  @Test
  void theOpenView_isNeverRestricted() {
    assertThat(ConsentView.OPEN.namesOthers(Set.of("p1"))).isFalse();
    assertThat(ConsentView.OPEN.restrictedTo(Set.of("p1")).parameters()).isEmpty();
  }

  @Test
  void tokenValues_areEscaped() {
    assertThat(ConsentView.escape("a,b|c$d\\e")).isEqualTo("a\\,b\\|c\\$d\\\\e");
  }
}
