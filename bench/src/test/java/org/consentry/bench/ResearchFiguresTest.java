package org.consentry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResearchFiguresTest {

  private static final ObjectNode COHORT =
      new ObjectMapper().createObjectNode().put("eligible", 1000).put("released", 990);

  private static ResearchFigures.Round round(
      int number, boolean warmup, double jobSeconds, double totalSeconds, long observations) {
    Map<String, Long> byType = new LinkedHashMap<>();
    byType.put("Patient", 1_000L);
    byType.put("Observation", observations);
    return new ResearchFigures.Round(
        number,
        warmup,
        0.5,
        jobSeconds,
        totalSeconds - jobSeconds,
        totalSeconds,
        4,
        2,
        5_000_000,
        byType,
        COHORT,
        0);
  }

  @Test
  void median_ofOddAndEvenCounts() {
    assertThat(ResearchFigures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(ResearchFigures.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(ResearchFigures.median(List.of())).isEqualTo(0.0);
  }

  @Test
  void aRound_countsItsResources_andRatesThemByJobAndByTotal() {
    ResearchFigures.Round round = round(1, false, 2.0, 4.0, 9_000);
    assertThat(round.resources()).isEqualTo(10_000);
    assertThat(round.jobRate()).isCloseTo(5_000, within(1e-9));
    assertThat(round.endToEndRate()).isCloseTo(2_500, within(1e-9));
    assertThat(round.line())
        .contains("round 1:", "job 2.00 s", "total 4.00 s", "10,000 resources", "5,000/s job")
        .contains("2,500/s end to end")
        .doesNotContain("warm-up");
    assertThat(round(2, true, 1, 2, 0).line()).contains("round 2 (warm-up)");
    assertThat(ResearchFigures.rate(10, 0)).isEqualTo(0.0);
  }

  @Test
  void figures_areMediansOfTheMeasuredRounds_warmupLeftOut() {
    Map<String, Object> figures =
        ResearchFigures.of(
            "ResearchStudy/s",
            200,
            List.of(
                round(1, true, 20.0, 40.0, 9_000), // warm-up: slow, not in the medians
                round(2, false, 2.0, 4.0, 9_000),
                round(3, false, 1.0, 2.0, 9_000),
                round(4, false, 4.0, 5.0, 9_000)));
    assertThat(figures)
        .containsEntry("rounds", 3)
        .containsEntry("warmupRounds", 1)
        .containsEntry("resources", 10_000L)
        .containsEntry("resourcesVaryByRound", false)
        .containsEntry("jobSeconds", 2.0)
        .containsEntry("totalSeconds", 4.0)
        .containsEntry("kickOffSeconds", 0.5)
        .containsEntry("jobResourcesPerSecond", 5_000L)
        .containsEntry("endToEndResourcesPerSecond", 2_500L)
        .containsEntry("targetResourcesPerSecond", 5_000)
        .containsEntry("endToEndMeetsTarget", false);
    assertThat((List<?>) figures.get("perRound")).hasSize(4);
    assertThat(figures.get("summary").toString())
        .contains("ResearchStudy/s: 10,000 resources (990 of 1000 patients released")
        .contains("3 rounds after 1 warm-up")
        .contains("job 2.00 s = 5,000 resources/s")
        .contains("end to end 4.00 s = 2,500 resources/s (target 5,000/s)")
        .doesNotContain("differ");
  }

  @Test
  void roundsThatExportDifferentCounts_areSaidToDiffer() {
    Map<String, Object> figures =
        ResearchFigures.of(
            "ResearchStudy/s",
            200,
            List.of(round(1, false, 1, 2, 9_000), round(2, false, 1, 2, 8_999)));
    assertThat(figures).containsEntry("resourcesVaryByRound", true);
    assertThat(figures.get("summary").toString()).contains("resources differ between rounds");
  }
}
