package org.consentry.deid.internal;

import java.util.List;
import java.util.Locale;
import org.consentry.deid.RepresentativenessReport;
import org.consentry.deid.RepresentativenessReport.Cell;
import org.consentry.deid.RepresentativenessReport.Dimension;
import org.consentry.deid.RepresentativenessReport.Group;

/**
 * {@link RepresentativenessReport#toText()}: the verdict, the rules, then one table a dimension.
 */
public final class RepresentativenessText {

  private RepresentativenessText() {}

  public static String render(RepresentativenessReport report) {
    String margin = String.format(Locale.ROOT, "%.1f", report.marginPoints());
    StringBuilder text = new StringBuilder();
    List<String> flagged = report.flaggedGroups();
    if (report.skewed()) {
      text.append("Consent skews this cohort: ")
          .append(flagged.size())
          .append(flagged.size() == 1 ? " group's share differs" : " groups' shares differ")
          .append(" by more than ")
          .append(margin)
          .append(" percentage points between the consented cohort and the eligible population (")
          .append(String.join("; ", flagged))
          .append(").\n");
    } else {
      text.append("Consent does not skew this cohort by more than ")
          .append(margin)
          .append(" percentage points in any group.\n");
    }
    text.append('\n')
        .append("Consented cohort: ")
        .append(report.consented())
        .append(" patients; eligible population (all patients matching the cohort criteria): ")
        .append(report.eligible())
        .append(".\n")
        .append("Counts below ")
        .append(report.minCellCount())
        .append(" are shown as <")
        .append(report.minCellCount())
        .append(", with no share; further cells are hidden where a hidden count could be worked")
        .append(" out from the total. Difference = consented share - eligible share, in points;")
        .append(" ! = differs by more than ")
        .append(margin)
        .append(" points (on the true counts, hidden or not).\n");
    int width = "ethnicity".length();
    for (Dimension dimension : report.dimensions()) {
      for (Group group : dimension.groups()) {
        width = Math.max(width, group.value().length() + 2);
      }
    }
    for (Dimension dimension : report.dimensions()) {
      String title =
          dimension.name().equals("age band")
              ? "age (" + report.ageBandYears() + "-year bands)"
              : dimension.name();
      text.append('\n')
          .append(pad(title, width + 2))
          .append(String.format(Locale.ROOT, "%16s %16s %11s%n", "consented", "eligible", "diff"));
      for (Group group : dimension.groups()) {
        String difference =
            group.differencePoints() == null
                ? "-"
                : group.differencePoints() == 0
                    ? "0.0"
                    : String.format(Locale.ROOT, "%+.1f", group.differencePoints());
        text.append("  ")
            .append(pad(group.value(), width))
            .append(String.format(Locale.ROOT, "%16s", cell(group.consented())))
            .append(' ')
            .append(String.format(Locale.ROOT, "%16s", cell(group.eligible())))
            .append(' ')
            .append(String.format(Locale.ROOT, "%11s", difference))
            .append(group.flagged() ? " !" : "")
            .append('\n');
      }
    }
    return text.toString();
  }

  private static String cell(Cell cell) {
    if (cell.percent() == null) {
      return cell.count();
    }
    return String.format(Locale.ROOT, "%s (%.1f%%)", cell.count(), cell.percent());
  }

  private static String pad(String value, int width) {
    return value.length() >= width ? value + " " : value + " ".repeat(width - value.length());
  }
}
