package org.consentry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResearchSetupTest {

  private static final ResearchSetup.Settings SETTINGS =
      new ResearchSetup.Settings("study-1", "safe-harbor", 5, "rita", 100, 500);

  private static BenchArgs args(String... values) {
    return new BenchArgs(List.of(values), Kinds.RESEARCH_SETUP_OPTIONS);
  }

  @Test
  void everyoneOptsInByDefault_aShareIsDrawnBySeed_sortedAndDistinct() {
    assertThat(ResearchSetup.optedIn(5, 100, 1)).containsExactly(0, 1, 2, 3, 4);
    assertThat(ResearchSetup.optedIn(5, 0, 1)).isEmpty();
    List<Integer> tenth = ResearchSetup.optedIn(1000, 10, 1);
    assertThat(tenth).hasSize(100).isSorted().doesNotHaveDuplicates();
    assertThat(tenth).allMatch(i -> i >= 0 && i < 1000);
    assertThat(ResearchSetup.optedIn(1000, 10, 1)).isEqualTo(tenth);
    assertThat(ResearchSetup.optedIn(1000, 10, 2)).isNotEqualTo(tenth);
    assertThat(ResearchSetup.optedIn(3, 50, 1)).hasSize(2); // 1.5 rounds up
  }

  @Test
  void study_isActive_enrollsTheCohort_namesProfileKAndResearcher() {
    JsonNode study = ResearchSetup.study(SETTINGS);
    assertThat(study.path("resourceType").asText()).isEqualTo("ResearchStudy");
    assertThat(study.path("id").asText()).isEqualTo("study-1");
    assertThat(study.path("status").asText()).isEqualTo("active");
    assertThat(study.path("enrollment").path(0).path("reference").asText())
        .isEqualTo("Group/study-1-cohort");
    assertThat(extension(study, ResearchSetup.PROFILE_URL).path("valueCode").asText())
        .isEqualTo("safe-harbor");
    assertThat(extension(study, ResearchSetup.K_URL).path("valueInteger").asInt()).isEqualTo(5);
    assertThat(extension(study, ResearchSetup.RESEARCHER_URL).path("valueString").asText())
        .isEqualTo("rita");
  }

  @Test
  void group_listsEveryPatientAsAMember() {
    JsonNode group = ResearchSetup.group(SETTINGS, List.of("bench-1-p0", "bench-1-p1"));
    assertThat(group.path("id").asText()).isEqualTo("study-1-cohort");
    assertThat(group.path("type").asText()).isEqualTo("person");
    assertThat(group.path("actual").asBoolean()).isTrue();
    assertThat(group.path("quantity").asInt()).isEqualTo(2);
    assertThat(group.path("member").findValuesAsText("reference"))
        .containsExactly("Patient/bench-1-p0", "Patient/bench-1-p1");
  }

  @Test
  void consent_optsThePatientInToResearch_forThisStudyOnly() {
    JsonNode consent = ResearchSetup.consent(SETTINGS, 12, "bench-1-p12");
    assertThat(consent.path("resourceType").asText()).isEqualTo("Consent");
    assertThat(consent.path("id").asText()).isEqualTo("study-1-optin-p12");
    assertThat(consent.path("status").asText()).isEqualTo("active");
    assertThat(consent.path("scope").path("coding").path(0).path("code").asText())
        .isEqualTo("research");
    assertThat(consent.path("scope").path("coding").path(0).path("system").asText())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/consentscope");
    assertThat(consent.path("patient").path("reference").asText()).isEqualTo("Patient/bench-1-p12");
    assertThat(consent.path("dateTime").asText()).isNotEmpty();
    assertThat(consent.path("policyRule").path("coding").path(0).path("code").asText())
        .isEqualTo("OPTIN");
    JsonNode provision = consent.path("provision");
    assertThat(provision.path("type").asText()).isEqualTo("permit");
    assertThat(provision.path("purpose").path(0).path("system").asText())
        .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ActReason");
    assertThat(provision.path("purpose").path(0).path("code").asText()).isEqualTo("HRESCH");
    assertThat(
            extension(provision, ResearchSetup.STUDY_CONTEXT_URL)
                .path("valueReference")
                .path("reference")
                .asText())
        .isEqualTo("ResearchStudy/study-1");
  }

  @Test
  void consentIds_fitFhirIds_andDifferPerPatient() {
    ResearchSetup.Settings longest =
        new ResearchSetup.Settings("s".repeat(40), "safe-harbor", 5, "rita", 100, 500);
    Set<String> ids = new HashSet<>();
    IntStream.range(0, 1000)
        .forEach(
            i -> ids.add(ResearchSetup.consent(longest, i, "bench-1-p" + i).path("id").asText()));
    assertThat(ids).hasSize(1000).allMatch(id -> id.matches("[A-Za-z0-9.-]{1,64}"));
  }

  @Test
  void settings_defaults_andWhatIsRefused() {
    ResearchSetup.Settings defaults = Kinds.researchSettings(args("--researcher", "rita"));
    assertThat(defaults)
        .isEqualTo(new ResearchSetup.Settings("bench-study", "safe-harbor", 5, "rita", 100, 500));
    assertThat(
            Kinds.researchSettings(
                args(
                    "--researcher=rita",
                    "--study",
                    "s2",
                    "--profile",
                    "limited-data-set",
                    "--k",
                    "11",
                    "--opt-in-percent",
                    "40")))
        .isEqualTo(new ResearchSetup.Settings("s2", "limited-data-set", 11, "rita", 40, 500));
    assertThatThrownBy(() -> Kinds.researchSettings(args()))
        .hasMessageContaining("--researcher is required");
    assertThatThrownBy(() -> Kinds.researchSettings(args("--researcher", "r", "--k", "0")))
        .hasMessageContaining("--k wants a number from 1");
    assertThatThrownBy(
            () -> Kinds.researchSettings(args("--researcher", "r", "--opt-in-percent", "101")))
        .hasMessageContaining("--opt-in-percent");
    assertThatThrownBy(() -> Kinds.researchSettings(args("--researcher", "r", "--profile", "x")))
        .hasMessageContaining("safe-harbor or limited-data-set");
    assertThatThrownBy(() -> Kinds.researchSettings(args("--researcher", "r", "--study", "a/b")))
        .hasMessageContaining("--study wants a FHIR id");
    assertThatThrownBy(() -> args("--rounds", "3")).hasMessageContaining("unknown option --rounds");
  }

  private static JsonNode extension(JsonNode resource, String url) {
    for (JsonNode extension : resource.path("extension")) {
      if (extension.path("url").asText().equals(url)) {
        return extension;
      }
    }
    throw new AssertionError("no extension " + url + " in " + resource);
  }
}
