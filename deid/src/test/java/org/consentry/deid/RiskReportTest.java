package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.consentry.deid.RiskReport.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** k-anonymity, generalization and suppression on small cohorts with answers worked out by hand. */
class RiskReportTest {

  static QuasiIdentifiers q(String key, int age, String sex, String race) {
    return new QuasiIdentifiers(key, age, sex, "021", race, "Not Hispanic or Latino");
  }

  /**
   * Eleven patients. Level 0 (5-year bands) classes: 30-34 F {a1,a2,a3}, 35-39 F {b1,b2,b3}, 40-44
   * M {c1,c2}, 45-49 M {d1}, 50-54 M Asian {e1}, 90+ F {f1}. Level 1 (10 years): 30-39 F 6, 40-49 M
   * 3, 50-59 M Asian 1, 90+ F 1. Level 2 (20 years): 20-39 F 6, 40-59 M White 3, 40-59 M Asian 1,
   * 90+ F 1 (90+ never merges). Level 3 (one age band): F White 7, M White 3, M Asian 1. Level 4
   * (no ZIP3): the same. Level 5 (no race): F 7, M 4. Level 6: the same.
   */
  static final List<QuasiIdentifiers> COHORT =
      List.of(
          q("a1", 31, "female", "White"),
          q("a2", 32, "female", "White"),
          q("a3", 33, "female", "White"),
          q("b1", 36, "female", "White"),
          q("b2", 37, "female", "White"),
          q("b3", 38, "female", "White"),
          q("c1", 41, "male", "White"),
          q("c2", 44, "male", "White"),
          q("d1", 47, "male", "White"),
          q("e1", 52, "male", "Asian"),
          q("f1", 95, "female", "White"));

  @Test
  void measuresEveryLevelOfTheLadder() {
    RiskReport report =
        RiskReport.analyze(COHORT, new RiskSettings(3, 0.10, RiskSettings.DEFAULT_LADDER));

    assertThat(report.records()).isEqualTo(11);
    assertThat(report.smallestClass()).isEqualTo(1);
    assertThat(report.recordsBelowK()).isEqualTo(5);
    assertThat(report.levels())
        .extracting(l -> List.of(l.level(), l.classes(), l.smallestClass(), l.recordsBelowK()))
        .containsExactly(
            List.of(0, 6, 1, 5),
            List.of(1, 4, 1, 2),
            List.of(2, 4, 1, 2),
            List.of(3, 3, 1, 1),
            List.of(4, 3, 1, 1),
            List.of(5, 2, 4, 0),
            List.of(6, 2, 4, 0));
    assertThat(report.levels().get(2).description())
        .isEqualTo("age in 20-year bands, sex, ZIP3, race, ethnicity");
    assertThat(report.levels().get(6).description()).isEqualTo("age removed, sex");
  }

  @ParameterizedTest(name = "k={0}, max {1}: level {2}, {3}, suppressed [{4}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # k | max share | level | status                        | suppressed
            3 | 0.10      | 3     | REACHED                       | e1
            3 | 0.09      | 5     | REACHED                       |
            3 | 0.20      | 1     | REACHED                       | e1 f1
            3 | 0.50      | 0     | REACHED                       | c1 c2 d1 e1 f1
            3 | 0.00      | 5     | REACHED                       |
            1 | 0.00      | 0     | REACHED                       |
            4 | 0.00      | 5     | REACHED                       |
            5 | 0.00      | 3     | REACHED_ABOVE_MAX_SUPPRESSION | c1 c2 d1 e1
            5 | 0.40      | 3     | REACHED                       | c1 c2 d1 e1
            8 | 0.05      | 6     | NOT_REACHED                   | a1 a2 a3 b1 b2 b3 c1 c2 d1 e1 f1
           12 | 1.00      | 6     | NOT_REACHED                   | a1 a2 a3 b1 b2 b3 c1 c2 d1 e1 f1
          """)
  void choosesTheFirstLevelWithinTheShareThenSuppresses(
      int k, double maxShare, int level, Status status, String suppressed) {
    RiskReport report =
        RiskReport.analyze(COHORT, new RiskSettings(k, maxShare, RiskSettings.DEFAULT_LADDER));

    List<String> expected = suppressed == null ? List.of() : Arrays.asList(suppressed.split(" "));
    assertThat(report.level()).isEqualTo(level);
    assertThat(report.status()).isEqualTo(status);
    assertThat(report.suppressed()).containsExactlyElementsOf(expected);
    assertThat(report.released()).isEqualTo(11 - expected.size());
    assertThat(report.kReached()).isEqualTo(status != Status.NOT_REACHED);
    if (report.released() > 0) {
      assertThat(report.smallestReleasedClass()).isGreaterThanOrEqualTo(k);
    } else {
      assertThat(report.smallestReleasedClass()).isZero();
      assertThat(report.releasedClasses()).isZero();
    }
  }

  @Test
  void releasedClassesAfterSuppression() {
    RiskReport report =
        RiskReport.analyze(COHORT, new RiskSettings(3, 0.10, RiskSettings.DEFAULT_LADDER));

    // level 3: F White 7, M White 3 released; M Asian {e1} suppressed
    assertThat(report.releasedClasses()).isEqualTo(2);
    assertThat(report.smallestReleasedClass()).isEqualTo(3);
    assertThat(report.toText())
        .startsWith(
            "k=3 reached at level 3 (age removed, sex, ZIP3, race, ethnicity), suppressing 1 of 11"
                + " records (9.1%; at most 10.0% allowed): 10 records released in 2 classes, the"
                + " smallest of 3.\n")
        .contains("Suppressed (1, pseudonymous ids): e1\n");
  }

  @Test
  void threePatientsCannotReachFiveAndTheReportSaysSo() {
    List<QuasiIdentifiers> three = List.of(COHORT.get(0), COHORT.get(1), COHORT.get(2));

    RiskReport report = RiskReport.analyze(three, RiskSettings.DEFAULTS);

    assertThat(report.status()).isEqualTo(Status.NOT_REACHED);
    assertThat(report.kReached()).isFalse();
    assertThat(report.suppressed()).containsExactly("a1", "a2", "a3");
    assertThat(report.released()).isZero();
    assertThat(report.toText())
        .startsWith(
            "k=5 not reached: the cohort has 3 patients, fewer than k, so no generalization can"
                + " hide each among 5; all 3 of them would have to be suppressed and nothing"
                + " released.\n");
  }

  @Test
  void kOfOneIsAlwaysMetWithoutGeneralization() {
    List<QuasiIdentifiers> three = List.of(COHORT.get(0), COHORT.get(6), COHORT.get(10));

    RiskReport report = RiskReport.analyze(three, RiskSettings.withK(1));

    assertThat(report.status()).isEqualTo(Status.REACHED);
    assertThat(report.level()).isZero();
    assertThat(report.suppressed()).isEmpty();
    assertThat(report.smallestClass()).isEqualTo(1);
    assertThat(report.recordsBelowK()).isZero();
    assertThat(report.toText())
        .startsWith(
            "k=1 reached without generalization or suppression: 3 records released in 3 classes,"
                + " the smallest of 1.\n");
  }

  @Test
  void anEmptyCohortReleasesNothing() {
    RiskReport report = RiskReport.analyze(List.of(), RiskSettings.DEFAULTS);

    assertThat(report.status()).isEqualTo(Status.NOT_REACHED);
    assertThat(report.smallestClass()).isZero();
    assertThat(report.toText())
        .startsWith("k=5 not reached: the cohort is empty; nothing to release.");
  }

  @Test
  void aboveTheMaximumAndUnreachableAtTheTopAreSaidPlainly() {
    RiskReport above =
        RiskReport.analyze(COHORT, new RiskSettings(5, 0.0, RiskSettings.DEFAULT_LADDER));
    RiskReport never =
        RiskReport.analyze(COHORT, new RiskSettings(8, 0.05, RiskSettings.DEFAULT_LADDER));

    assertThat(above.toText())
        .startsWith(
            "k=5 reached only by suppressing more records than allowed: at every level more than"
                + " 0.0% of the records are in classes below k. Fewest at level 3 (age removed,"
                + " sex, ZIP3, race, ethnicity): 4 of 11 records (36.4%) suppressed; 7 records"
                + " released in 1 class, the smallest of 7.\n");
    assertThat(never.toText())
        .startsWith(
            "k=8 not reached: even at the coarsest level (age removed, sex) every class has fewer"
                + " than 8 records, so all 11 of them would have to be suppressed");
  }

  @Test
  void aCustomLadderIsFollowedAndKeysMustBeUnique() {
    List<RiskSettings.Level> ladder =
        List.of(
            new RiskSettings.Level(5, false, false, false),
            new RiskSettings.Level(0, true, true, true));
    RiskReport report = RiskReport.analyze(COHORT, new RiskSettings(3, 0.0, ladder));

    assertThat(report.level()).isEqualTo(1);
    assertThat(report.levelDescription()).isEqualTo("age removed, sex, ZIP3, race, ethnicity");
    assertThat(report.status()).isEqualTo(Status.REACHED_ABOVE_MAX_SUPPRESSION);
    assertThat(report.suppressed()).containsExactly("e1");
    assertThatThrownBy(
            () -> RiskReport.analyze(List.of(COHORT.get(0), COHORT.get(0)), RiskSettings.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a1");
    assertThatThrownBy(() -> new RiskSettings(0, 0.05, RiskSettings.DEFAULT_LADDER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RiskSettings(5, 1.5, RiskSettings.DEFAULT_LADDER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serializesWithJacksonAsItIs() throws Exception {
    RiskReport report =
        RiskReport.analyze(COHORT, new RiskSettings(3, 0.10, RiskSettings.DEFAULT_LADDER));

    JsonNode json = new ObjectMapper().valueToTree(report);

    assertThat(json.get("k").asInt()).isEqualTo(3);
    assertThat(json.get("status").asText()).isEqualTo("REACHED");
    assertThat(json.get("level").asInt()).isEqualTo(3);
    assertThat(json.get("suppressed").toString()).isEqualTo("[\"e1\"]");
    assertThat(json.get("levels").get(0).get("recordsBelowK").asInt()).isEqualTo(5);
    assertThat(new ObjectMapper().treeToValue(json, RiskReport.class)).isEqualTo(report);
  }
}
