package org.consentry.deid.internal;

import java.util.Locale;
import org.consentry.deid.RiskReport;

/** {@link RiskReport#toText()}: the outcome in one sentence, then the figures behind it. */
public final class RiskText {

  private RiskText() {}

  public static String render(RiskReport report) {
    StringBuilder text = new StringBuilder();
    text.append(outcome(report)).append('\n');
    if (report.records() > 0) {
      int smallest = report.smallestClass();
      text.append('\n')
          .append("At the finest level (0): the smallest class has ")
          .append(smallest)
          .append(smallest == 1 ? " record" : " records")
          .append(
              smallest == 1
                  ? " (some patient is unique on these attributes)"
                  : " (a re-identification risk of up to 1 in " + smallest + ")")
          .append("; ")
          .append(ofRecords(report.recordsBelowK(), report.records(), ""))
          .append(" in classes below k=")
          .append(report.k())
          .append(".\n");
    }
    text.append('\n').append("Generalization levels (records below k would be suppressed):\n");
    for (RiskReport.LevelResult level : report.levels()) {
      text.append(level.level() == report.level() ? "* " : "  ")
          .append(level.level())
          .append(". ")
          .append(level.description())
          .append(": ")
          .append(level.classes())
          .append(level.classes() == 1 ? " class" : " classes")
          .append(", smallest ")
          .append(level.smallestClass())
          .append(", ")
          .append(level.recordsBelowK())
          .append(" below k")
          .append(report.records() > 0 ? " (" + percent(level.recordsBelowK(), report) + ")" : "")
          .append('\n');
    }
    if (!report.suppressed().isEmpty()) {
      text.append('\n')
          .append("Suppressed (")
          .append(report.suppressed().size())
          .append(", pseudonymous ids): ")
          .append(String.join(", ", report.suppressed()))
          .append('\n');
    }
    return text.toString();
  }

  private static String outcome(RiskReport report) {
    String k = "k=" + report.k();
    String level = "level " + report.level() + " (" + report.levelDescription() + ")";
    String allowed = "at most " + percent(report.maxSuppressedShare()) + " allowed";
    return switch (report.status()) {
      case REACHED ->
          report.suppressed().isEmpty() && report.level() == 0
              ? k + " reached without generalization or suppression: " + released(report)
              : k
                  + " reached at "
                  + level
                  + ", suppressing "
                  + ofRecords(report.suppressed().size(), report.records(), "; " + allowed)
                  + ": "
                  + released(report);
      case REACHED_ABOVE_MAX_SUPPRESSION ->
          k
              + " reached only by suppressing more records than allowed: at every level more than "
              + percent(report.maxSuppressedShare())
              + " of the records are in classes below k. Fewest at "
              + level
              + ": "
              + ofRecords(report.suppressed().size(), report.records(), "")
              + " suppressed; "
              + released(report);
      case NOT_REACHED -> k + " not reached: " + notReached(report);
    };
  }

  private static String notReached(RiskReport report) {
    int records = report.records();
    if (records == 0) {
      return "the cohort is empty; nothing to release.";
    }
    String who = records == 1 ? "the patient" : "all " + records + " of them";
    if (records < report.k()) {
      return "the cohort has "
          + records
          + (records == 1 ? " patient" : " patients")
          + ", fewer than k, so no generalization can hide each among "
          + report.k()
          + "; "
          + who
          + " would have to be suppressed and nothing released.";
    }
    return "even at the coarsest level ("
        + report.levelDescription()
        + ") every class has fewer than "
        + report.k()
        + " records, so "
        + who
        + " would have to be suppressed and nothing released.";
  }

  private static String released(RiskReport report) {
    return report.released()
        + (report.released() == 1 ? " record" : " records")
        + " released in "
        + report.releasedClasses()
        + (report.releasedClasses() == 1 ? " class" : " classes")
        + ", the smallest of "
        + report.smallestReleasedClass()
        + ".";
  }

  private static String ofRecords(int count, int records, String note) {
    return count
        + " of "
        + records
        + (records == 1 ? " record" : " records")
        + " ("
        + percent(records == 0 ? 0 : (double) count / records)
        + note
        + ")";
  }

  private static String percent(int count, RiskReport report) {
    return percent((double) count / report.records());
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
