package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentry.deid.RepresentativenessReport.Dimension;
import org.consentry.deid.RepresentativenessReport.Group;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Both reports over the 10 Patients of synthea-10: read as they come, and consistent. */
class ReportsOnSyntheaTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  static List<QuasiIdentifiers> cohort;

  @BeforeAll
  static void readPatients() throws IOException {
    Deidentifier deid =
        new Deidentifier(
            DeidProfile.safeHarbor(),
            StudyKey.fromSecret(
                "a test study secret of 32 bytes!".getBytes(StandardCharsets.UTF_8)),
            CLOCK);
    cohort = new ArrayList<>();
    for (String line : Files.readAllLines(SampleData.SYNTHEA_10.resolve("Patient.ndjson"))) {
      if (!line.isBlank()) {
        Patient patient = (Patient) SampleData.parse(line);
        cohort.add(QuasiIdentifiers.of(patient, deid.pseudonym(patient.getIdPart()), CLOCK));
      }
    }
  }

  @Test
  void quasiIdentifiersAsInTheData() {
    assertThat(cohort).hasSize(10);
    assertThat(count(QuasiIdentifiers::sex)).isEqualTo(Map.of("female", 4, "male", 6));
    assertThat(count(QuasiIdentifiers::race))
        .isEqualTo(
            Map.of(
                "White",
                8,
                "Black or African American",
                1,
                "Native Hawaiian or Other Pacific Islander",
                1));
    assertThat(count(QuasiIdentifiers::ethnicity)).isEqualTo(Map.of("Not Hispanic or Latino", 10));
    // three patients have postal code 00000; the one born 1933 is 90+
    assertThat(count(QuasiIdentifiers::zip3)).containsEntry("000", 3);
    assertThat(count(q -> q.ageBand(5))).containsEntry("90+", 1).containsEntry("0-4", 1);
    assertThat(cohort).extracting(QuasiIdentifiers::patientKey).doesNotHaveDuplicates();
  }

  @Test
  void riskReportAddsUp() {
    for (int k = 1; k <= 11; k++) {
      RiskReport report = RiskReport.analyze(cohort, RiskSettings.withK(k));
      Set<String> keys =
          cohort.stream().map(QuasiIdentifiers::patientKey).collect(Collectors.toSet());

      assertThat(report.records()).isEqualTo(10);
      assertThat(keys).containsAll(report.suppressed());
      assertThat(report.released() + report.suppressed().size()).isEqualTo(10);
      assertThat(report.suppressed()).hasSize(report.levels().get(report.level()).recordsBelowK());
      assertThat(report.levels()).hasSize(RiskSettings.DEFAULT_LADDER.size());
      for (RiskReport.LevelResult level : report.levels()) {
        assertThat(level.classes()).isBetween(1, 10);
        assertThat(level.smallestClass()).isBetween(1, 10 / level.classes());
        assertThat(level.recordsBelowK()).isBetween(0, 10);
      }
      if (report.kReached()) {
        assertThat(report.smallestReleasedClass()).isGreaterThanOrEqualTo(k);
        assertThat(report.releasedClasses() * report.smallestReleasedClass())
            .isLessThanOrEqualTo(report.released());
      } else {
        assertThat(report.released()).isZero();
      }
      assertThat(report.toText()).startsWith("k=" + k + " ");
    }
    // ten patients, no two alike on all five attributes at level 0
    RiskReport five = RiskReport.analyze(cohort, RiskSettings.DEFAULTS);
    assertThat(five.smallestClass()).isEqualTo(1);
    assertThat(RiskReport.analyze(cohort, RiskSettings.withK(11)).status())
        .isEqualTo(RiskReport.Status.NOT_REACHED);
  }

  @Test
  void representativenessAddsUp() {
    List<QuasiIdentifiers> consented = new ArrayList<>();
    for (int i = 0; i < cohort.size(); i += 2) {
      consented.add(cohort.get(i));
    }
    RepresentativenessReport shown =
        RepresentativenessReport.compare(
            consented, cohort, new RepresentativenessSettings(10, 0, 10));
    RepresentativenessReport hidden =
        RepresentativenessReport.compare(consented, cohort, RepresentativenessSettings.DEFAULTS);

    assertThat(shown.consented()).isEqualTo(5);
    assertThat(shown.eligible()).isEqualTo(10);
    for (Dimension dimension : shown.dimensions()) {
      int consentedSum = 0;
      int eligibleSum = 0;
      double eligiblePercent = 0;
      for (Group group : dimension.groups()) {
        int c = Integer.parseInt(group.consented().count());
        int e = Integer.parseInt(group.eligible().count());
        assertThat(c).isLessThanOrEqualTo(e);
        consentedSum += c;
        eligibleSum += e;
        eligiblePercent += group.eligible().percent();
      }
      assertThat(consentedSum).as(dimension.name()).isEqualTo(5);
      assertThat(eligibleSum).as(dimension.name()).isEqualTo(10);
      assertThat(eligiblePercent).as(dimension.name()).isCloseTo(100.0, within(0.5));
    }
    // with the default least count of 11, every cell of a cohort of 10 is hidden; flags are not
    assertThat(hidden.dimensions())
        .flatExtracting(Dimension::groups)
        .allMatch(g -> g.consented().suppressed() && g.eligible().suppressed())
        .allMatch(g -> g.differencePoints() == null);
    assertThat(hidden.flaggedGroups()).isEqualTo(shown.flaggedGroups());
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }

  private static Map<String, Integer> count(
      java.util.function.Function<QuasiIdentifiers, String> f) {
    Map<String, Integer> counts = new HashMap<>();
    cohort.forEach(q -> counts.merge(f.apply(q), 1, Integer::sum));
    return counts;
  }
}
