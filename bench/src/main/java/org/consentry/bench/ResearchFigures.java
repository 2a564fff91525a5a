package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of the research export benchmark: each round's, and the medians of the measured. */
final class ResearchFigures {

  /** The rate the issue asks of an export, in resources per second. */
  static final int TARGET_RESOURCES_PER_SECOND = 5_000;

  /**
   * One export, timed from the kick-off request being sent.
   *
   * @param kickOffSeconds until the kick-off's 202 (the server decides the cohort then)
   * @param jobSeconds until the completed manifest arrived (kick-off included)
   * @param downloadSeconds from the manifest to the last byte of the last file
   * @param totalSeconds from the kick-off request to the last byte
   * @param polls status requests sent, the one that brought the manifest included
   * @param byType resources (NDJSON lines) per type
   * @param cohort the manifest extension's cohort figures (eligible, consented, released...)
   * @param errors entries of the manifest's {@code error} list
   */
  record Round(
      int number,
      boolean warmup,
      double kickOffSeconds,
      double jobSeconds,
      double downloadSeconds,
      double totalSeconds,
      int polls,
      int files,
      long bytes,
      Map<String, Long> byType,
      JsonNode cohort,
      int errors) {

    long resources() {
      return byType.values().stream().mapToLong(Long::longValue).sum();
    }

    double jobRate() {
      return rate(resources(), jobSeconds);
    }

    double endToEndRate() {
      return rate(resources(), totalSeconds);
    }

    /** One line for the console. */
    String line() {
      return String.format(
          Locale.ROOT,
          "research round %d%s: kick-off %.2f s, job %.2f s (%d polls), downloads %.2f s"
              + " (%d files, %.1f MB), total %.2f s; %,d resources: %,.0f/s job, %,.0f/s end to end%s",
          number,
          warmup ? " (warm-up)" : "",
          kickOffSeconds,
          jobSeconds,
          polls,
          downloadSeconds,
          files,
          bytes / 1e6,
          totalSeconds,
          resources(),
          jobRate(),
          endToEndRate(),
          errors == 0 ? "" : "; " + errors + " error files in the manifest");
    }
  }

  private ResearchFigures() {}

  static double rate(long resources, double seconds) {
    return seconds <= 0 ? 0 : resources / seconds;
  }

  /** The median: the middle value, or the mean of the two middle values; 0 for none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /**
   * The figures of a run: the medians over the measured rounds (warm-up rounds only in {@code
   * perRound}), the last round's resources per type and cohort, and a summary line.
   */
  static Map<String, Object> of(String study, long pollMillis, List<Round> rounds) {
    List<Round> measured = rounds.stream().filter(r -> !r.warmup()).toList();
    if (measured.isEmpty()) {
      throw new IllegalArgumentException("no measured round");
    }
    Round last = measured.get(measured.size() - 1);
    double jobSeconds = median(measured, Round::jobSeconds);
    double totalSeconds = median(measured, Round::totalSeconds);
    double jobRate = median(measured, Round::jobRate);
    double endToEndRate = median(measured, Round::endToEndRate);
    boolean varies = measured.stream().mapToLong(Round::resources).distinct().count() > 1;

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("study", study);
    figures.put("rounds", measured.size());
    figures.put("warmupRounds", rounds.size() - measured.size());
    figures.put("pollMillis", pollMillis);
    figures.put("resources", last.resources());
    figures.put("resourcesVaryByRound", varies);
    figures.put("files", last.files());
    figures.put("bytes", last.bytes());
    figures.put("byType", last.byType());
    figures.put("cohort", last.cohort());
    figures.put("kickOffSeconds", round2(median(measured, Round::kickOffSeconds)));
    figures.put("jobSeconds", round2(jobSeconds));
    figures.put("downloadSeconds", round2(median(measured, Round::downloadSeconds)));
    figures.put("totalSeconds", round2(totalSeconds));
    figures.put("jobResourcesPerSecond", Math.round(jobRate));
    figures.put("endToEndResourcesPerSecond", Math.round(endToEndRate));
    figures.put("targetResourcesPerSecond", TARGET_RESOURCES_PER_SECOND);
    figures.put("endToEndMeetsTarget", endToEndRate >= TARGET_RESOURCES_PER_SECOND);
    List<Map<String, Object>> perRound = new ArrayList<>();
    for (Round round : rounds) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("round", round.number());
      row.put("warmup", round.warmup());
      row.put("kickOffSeconds", round2(round.kickOffSeconds()));
      row.put("jobSeconds", round2(round.jobSeconds()));
      row.put("downloadSeconds", round2(round.downloadSeconds()));
      row.put("totalSeconds", round2(round.totalSeconds()));
      row.put("polls", round.polls());
      row.put("resources", round.resources());
      row.put("jobResourcesPerSecond", Math.round(round.jobRate()));
      row.put("endToEndResourcesPerSecond", Math.round(round.endToEndRate()));
      row.put("errors", round.errors());
      perRound.add(row);
    }
    figures.put("perRound", perRound);
    JsonNode cohort = last.cohort();
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "%s: %,d resources (%s of %s patients released, %d files, %.1f MB); %d rounds%s,"
                + " medians: job %.2f s = %,.0f resources/s, end to end %.2f s = %,.0f"
                + " resources/s (target %,d/s)%s",
            study,
            last.resources(),
            cohort.path("released").asText("?"),
            cohort.path("eligible").asText("?"),
            last.files(),
            last.bytes() / 1e6,
            measured.size(),
            rounds.size() > measured.size()
                ? " after " + (rounds.size() - measured.size()) + " warm-up"
                : "",
            jobSeconds,
            jobRate,
            totalSeconds,
            endToEndRate,
            TARGET_RESOURCES_PER_SECOND,
            varies ? "; resources differ between rounds" : ""));
    return figures;
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
    return median(rounds.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
