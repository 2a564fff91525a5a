package org.consentry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PopulationTest {

  @Test
  void sameSeed_sameRecords_otherSeed_otherIds() {
    Population one = new Population(20, 10, 7, 0.1);
    Population two = new Population(20, 10, 7, 0.1);
    assertThat(one.patient(3).patient()).isEqualTo(two.patient(3).patient());
    assertThat(one.patient(3).observations()).isEqualTo(two.patient(3).observations());
    assertThat(IntStream.range(0, 20).filter(one::deniesOrganization).boxed().toList())
        .isEqualTo(IntStream.range(0, 20).filter(two::deniesOrganization).boxed().toList());
    assertThat(new Population(20, 10, 8, 0.1).patient(3).patientId())
        .isNotEqualTo(one.patient(3).patientId());
  }

  @Test
  void onePercentDenyTheOrganization_tenPercentDenyPsy_atLeastOneEach_neverBoth() {
    Population small = new Population(10, 10, 1, 0.1);
    assertThat(small.organizationDenials()).isEqualTo(1);
    assertThat(small.labelDenials()).isEqualTo(1);
    Population large = new Population(1000, 10, 1, 0.1);
    assertThat(large.organizationDenials()).isEqualTo(10);
    assertThat(large.labelDenials()).isEqualTo(100);
    assertThat(
            IntStream.range(0, 1000)
                .filter(i -> large.deniesOrganization(i) && large.deniesLabel(i)))
        .isEmpty();
    IntStream.range(0, 1000)
        .forEach(
            i ->
                assertThat(large.consents(i))
                    .hasSize(large.deniesOrganization(i) || large.deniesLabel(i) ? 1 : 0));
  }

  @Test
  void observations_areVitalSignsOrLabelledScores_withDatesAndSubject() {
    Population population = new Population(200, 10, 3, 0.1);
    int psy = 0;
    int total = 0;
    for (int i = 0; i < 200; i++) {
      Population.PatientRecord record = population.patient(i);
      assertThat(record.observations()).hasSize(10);
      for (JsonNode obs : record.observations()) {
        assertThat(obs.path("subject").path("reference").asText())
            .isEqualTo("Patient/" + record.patientId());
        assertThat(obs.path("effectiveDateTime").asText()).matches("20(1[6-9]|2[0-5])-.*Z");
        assertThat(obs.path("code").path("coding").path(0).path("system").asText())
            .isEqualTo("http://loinc.org");
        assertThat(obs.has("valueQuantity") || obs.has("component")).isTrue();
      }
      psy += record.psy();
      total += record.observations().size();
    }
    assertThat(psy).isBetween(total / 20, total / 10); // 10% sensitive, two thirds of them PSY
  }

  @Test
  void consents_haveTheShapesTheEngineReads() {
    Population population = new Population(10, 1, 1, 0.1);
    int org =
        IntStream.range(0, 10).filter(population::deniesOrganization).findFirst().orElseThrow();
    int psy = IntStream.range(0, 10).filter(population::deniesLabel).findFirst().orElseThrow();
    JsonNode deny = population.consents(org).get(0);
    assertThat(deny.path("provision").path("type").asText()).isEqualTo("deny");
    assertThat(
            deny.path("provision")
                .path("actor")
                .path(0)
                .path("reference")
                .path("reference")
                .asText())
        .isEqualTo(Population.DENIED_ORGANIZATION);
    JsonNode label = population.consents(psy).get(0).path("provision");
    assertThat(label.path("type").asText()).isEqualTo("permit");
    assertThat(label.path("provision").path(0).path("securityLabel").path(0).path("code").asText())
        .isEqualTo("PSY");
    assertThat(
            label
                .path("provision")
                .path(0)
                .path("provision")
                .path(0)
                .path("actor")
                .path(0)
                .path("reference")
                .path("reference")
                .asText())
        .isEqualTo(Population.PERMITTED_PRACTITIONER);
  }

  @Test
  void expectedCounts_subtractWhatEachRequesterCannotSee() {
    Population population = new Population(100, 20, 5, 0.2);
    VisibleCounts counts = new VisibleCounts();
    for (int i = 0; i < 100; i++) {
      counts.add(
          population.patient(i), population.deniesOrganization(i), population.deniesLabel(i));
    }
    Map<String, Object> expected = counts.expected("8867-4");
    @SuppressWarnings("unchecked")
    Map<String, Integer> permitted =
        (Map<String, Integer>) expected.get(VisibleCounts.PERMITTED_PRACTITIONER);
    @SuppressWarnings("unchecked")
    Map<String, Integer> ehr = (Map<String, Integer>) expected.get(VisibleCounts.EHR);
    @SuppressWarnings("unchecked")
    Map<String, Integer> denied =
        (Map<String, Integer>) expected.get(VisibleCounts.DENIED_ORG_PRACTITIONER);
    assertThat(permitted.get("Observation")).isEqualTo(2000);
    assertThat(ehr.get("Observation")).isLessThan(2000);
    assertThat(denied.get("Observation"))
        .isEqualTo(ehr.get("Observation") - 20); // one patient denies the org
    assertThat(denied.get("Patient")).isEqualTo(99);
    assertThat(ehr.get("Observation code 8867-4"))
        .isEqualTo(permitted.get("Observation code 8867-4"));
  }
}
