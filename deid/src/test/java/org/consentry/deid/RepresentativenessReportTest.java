package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.consentry.deid.RepresentativenessReport.Dimension;
import org.consentry.deid.RepresentativenessReport.Group;
import org.consentry.deid.internal.CellSuppression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Counts, shares, small-cell suppression and flags on cohorts built to known answers. */
class RepresentativenessReportTest {

  static final String NH = "Not Hispanic or Latino";

  /** {@code n} patients aged 45, keys prefix0, prefix1, ... */
  static List<QuasiIdentifiers> people(String prefix, int n, String sex, String race) {
    List<QuasiIdentifiers> people = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      people.add(new QuasiIdentifiers(prefix + i, 45, sex, "021", race, NH));
    }
    return people;
  }

  @SafeVarargs
  static List<QuasiIdentifiers> all(List<QuasiIdentifiers>... parts) {
    List<QuasiIdentifiers> all = new ArrayList<>();
    Arrays.stream(parts).forEach(all::addAll);
    return all;
  }

  static Dimension dimension(RepresentativenessReport report, String name) {
    return report.dimensions().stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<Object> row(Group group) {
    return Arrays.asList(
        group.value(),
        group.consented().count(),
        group.consented().percent(),
        group.eligible().count(),
        group.eligible().percent(),
        group.differencePoints(),
        group.flagged());
  }

  @Test
  void countsSharesAndDifferencesPerDimension() {
    List<QuasiIdentifiers> eligibleF = people("f", 60, "female", "White");
    List<QuasiIdentifiers> eligibleM = people("m", 40, "male", "White");
    List<QuasiIdentifiers> consented = all(eligibleF.subList(0, 20), eligibleM.subList(0, 30));

    RepresentativenessReport report =
        RepresentativenessReport.compare(
            consented, all(eligibleF, eligibleM), RepresentativenessSettings.DEFAULTS);

    assertThat(report.consented()).isEqualTo(50);
    assertThat(report.eligible()).isEqualTo(100);
    assertThat(report.dimensions())
        .extracting(Dimension::name)
        .containsExactly("sex", "age band", "race", "ethnicity");
    assertThat(dimension(report, "sex").groups())
        .extracting(RepresentativenessReportTest::row)
        .containsExactly(
            Arrays.asList("female", "20", 40.0, "60", 60.0, -20.0, true),
            Arrays.asList("male", "30", 60.0, "40", 40.0, 20.0, true));
    assertThat(dimension(report, "age band").groups())
        .extracting(RepresentativenessReportTest::row)
        .containsExactly(Arrays.asList("40-49", "50", 100.0, "100", 100.0, 0.0, false));
    assertThat(report.skewed()).isTrue();
    assertThat(report.flaggedGroups()).containsExactly("sex female", "sex male");
    assertThat(report.toText())
        .startsWith(
            "Consent skews this cohort: 2 groups' shares differ by more than 10.0 percentage"
                + " points between the consented cohort and the eligible population (sex female;"
                + " sex male).\n")
        .contains("  female  ")
        .containsPattern("female +20 \\(40\\.0%\\) +60 \\(60\\.0%\\) +-20\\.0 !\n");
  }

  @ParameterizedTest(name = "{0} of 1000 consented female, margin {1}: flagged {2}")
  @CsvSource({
    // eligible: 1000 female, 1000 male (50%); consented: 1000
    "400, 10, false", // 40.0% against 50%: exactly 10 points, not more
    "399, 10, true", //  39.9%: 10.1 points
    "401, 10, false", // 40.1%: 9.9 points
    "600, 10, false", // +10 exactly
    "601, 10, true",
    "500, 0, false", //  equal shares are never flagged
    "499, 0, true",
    "350, 15, false",
    "349, 15, true",
  })
  void flaggedOnlyAboveTheMarginInAbsolutePoints(int female, double margin, boolean flagged) {
    List<QuasiIdentifiers> f = people("f", 1000, "female", "White");
    List<QuasiIdentifiers> m = people("m", 1000, "male", "White");
    List<QuasiIdentifiers> consented = all(f.subList(0, female), m.subList(0, 1000 - female));

    RepresentativenessReport report =
        RepresentativenessReport.compare(
            consented, all(f, m), new RepresentativenessSettings(10, 11, margin));

    assertThat(dimension(report, "sex").groups()).allMatch(g -> g.flagged() == flagged);
    assertThat(report.skewed()).isEqualTo(flagged);
  }

  @Test
  void smallCellsAndCellsThatWouldRevealThemAreHidden() {
    // eligible: White 30, Asian 6, Black 15 (51); consented: White 20, Black 12 (32), no Asian
    List<QuasiIdentifiers> white = people("w", 30, "female", "White");
    List<QuasiIdentifiers> asian = people("a", 6, "female", "Asian");
    List<QuasiIdentifiers> black = people("b", 15, "female", "Black or African American");
    List<QuasiIdentifiers> consented = all(white.subList(0, 20), black.subList(0, 12));

    RepresentativenessReport report =
        RepresentativenessReport.compare(
            consented, all(white, asian, black), RepresentativenessSettings.DEFAULTS);

    // eligible: Asian 6 < 11 hidden; alone, so the smallest shown (Black 15) is hidden too.
    // consented: Asian 0 hidden; alone, so Black 12 is hidden too. White 20/32 and 30/51 shown.
    // Asian: 0% against 11.8%: flagged on the true counts, though both cells are hidden.
    assertThat(dimension(report, "race").groups())
        .extracting(RepresentativenessReportTest::row)
        .containsExactly(
            Arrays.asList("Asian", "<11", null, "<11", null, null, true),
            Arrays.asList("Black or African American", "<11", null, "<11", null, null, false),
            Arrays.asList("White", "20", 62.5, "30", 58.8, 3.7, false));
    assertThat(report.skewed()).isTrue();
    assertThat(report.toText())
        .containsPattern("Asian +<11 +<11 +- !\n")
        .containsPattern("White +20 \\(62\\.5%\\) +30 \\(58\\.8%\\) +\\+3\\.7\n");
  }

  @ParameterizedTest(name = "{0} -> hidden {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # counts       | hidden (least shown 11)
          30 20          | - -
          30 5 15        | - H H
          30 5 6         | - H H
          30 5 4         | H H H
          40 0 0 25      | - H H H
          100 3 50 50    | - H H -
          10 11          | H H
          12 12          | - -
          5              | H
          11             | -
          """)
  void suppressionRuleAsDocumented(String counts, String hidden) {
    int[] values = Arrays.stream(counts.trim().split(" +")).mapToInt(Integer::parseInt).toArray();

    boolean[] result = CellSuppression.hidden(values, 11);

    StringBuilder marks = new StringBuilder();
    for (boolean h : result) {
      marks.append(marks.length() == 0 ? "" : " ").append(h ? "H" : "-");
    }
    assertThat(marks.toString()).isEqualTo(hidden.trim());
  }

  @Test
  void anEmptyConsentedCohortHasNoSharesAndNoFlags() {
    RepresentativenessReport report =
        RepresentativenessReport.compare(
            List.of(), people("e", 40, "male", "White"), RepresentativenessSettings.DEFAULTS);

    assertThat(report.skewed()).isFalse();
    assertThat(dimension(report, "sex").groups())
        .extracting(RepresentativenessReportTest::row)
        .containsExactly(Arrays.asList("male", "<11", null, "40", 100.0, null, false));
    assertThat(report.toText())
        .startsWith("Consent does not skew this cohort by more than 10.0 percentage points");
  }

  @Test
  void serializesWithJacksonAsItIs() throws Exception {
    RepresentativenessReport report =
        RepresentativenessReport.compare(
            people("a", 3, "female", "Asian"),
            all(people("a", 3, "female", "Asian"), people("w", 40, "female", "White")),
            RepresentativenessSettings.DEFAULTS);

    JsonNode json = new ObjectMapper().valueToTree(report);

    JsonNode asian = json.get("dimensions").get(2).get("groups").get(0);
    assertThat(asian.get("value").asText()).isEqualTo("Asian");
    assertThat(asian.get("consented").get("count").asText()).isEqualTo("<11");
    assertThat(asian.get("consented").get("percent").isNull()).isTrue();
    assertThat(json.get("skewed").asBoolean()).isTrue();
    assertThat(new ObjectMapper().treeToValue(json, RepresentativenessReport.class))
        .isEqualTo(report);
  }

  @Test
  void settingsAreChecked() {
    assertThat(RepresentativenessSettings.DEFAULTS)
        .isEqualTo(new RepresentativenessSettings(10, 11, 10.0));
    assertThatThrownBy(() -> new RepresentativenessSettings(0, 11, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RepresentativenessSettings(10, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RepresentativenessSettings(10, 11, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
