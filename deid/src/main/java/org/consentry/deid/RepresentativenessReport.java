package org.consentry.deid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.consentry.deid.internal.CellSuppression;
import org.consentry.deid.internal.Demographics;
import org.consentry.deid.internal.RepresentativenessText;

/**
 * Whether consent skews a research cohort: each demographic group's share of the consented cohort
 * against its share of the eligible population (every patient matching the cohort's criteria,
 * consented or not), per dimension (sex, age band, race, ethnicity). A group that is much rarer
 * among those who consented than among those eligible is under-represented in the export, and a
 * model trained on it may serve that group worse.
 *
 * <p>Small counts are hidden (see {@link RepresentativenessSettings#minCellCount()} and {@code
 * deid/README.md} for the rule): a hidden cell has count {@code "<11"} and no share. Flags are
 * computed on the true counts, hidden or not: a flag tells only that a difference exceeds the
 * margin, never a count.
 *
 * <p>Built by {@link #compare}: a pure function, deterministic (dimensions in the order above,
 * groups by age or name, {@code unknown} last). Serializes with Jackson as it is; {@link #toText()}
 * is the same for a reader.
 *
 * @param consented the number of patients in the consented cohort
 * @param eligible the number of patients in the eligible population
 * @param ageBandYears the width of the age bands
 * @param minCellCount counts below this are hidden
 * @param marginPoints the flagging margin, in absolute percentage points
 * @param skewed true if any group is flagged: "consent skews this cohort"
 * @param dimensions sex, age band, race, ethnicity, in that order
 */
public record RepresentativenessReport(
    int consented,
    int eligible,
    int ageBandYears,
    int minCellCount,
    double marginPoints,
    boolean skewed,
    List<Dimension> dimensions) {

  /**
   * One dimension and its groups: every value seen in either population.
   *
   * @param name {@code sex}, {@code age band}, {@code race} or {@code ethnicity}
   * @param groups in order: age bands by age, other values by name, {@code unknown} last
   */
  public record Dimension(String name, List<Group> groups) {
    public Dimension {
      groups = List.copyOf(groups);
    }
  }

  /**
   * One group of a dimension.
   *
   * @param value the group, e.g. {@code female}, {@code 30-39}, {@code White}, {@code unknown}
   * @param consented its count and share in the consented cohort
   * @param eligible its count and share in the eligible population
   * @param differencePoints consented share minus eligible share, in percentage points (negative:
   *     under-represented among the consented), one decimal; null if either share is hidden or
   *     undefined
   * @param flagged whether the two shares differ by more than the margin (absolute points), on the
   *     true counts
   */
  public record Group(
      String value, Cell consented, Cell eligible, Double differencePoints, boolean flagged) {}

  /**
   * A count and share, as published.
   *
   * @param count the number of patients, in decimal, or {@code "<11"} (the least count shown) when
   *     hidden
   * @param percent the share of the population in percent, one decimal (rounded half up); null when
   *     the count is hidden or the population is empty
   */
  public record Cell(String count, Double percent) {
    /** Whether the count is hidden. */
    public boolean suppressed() {
      return count.startsWith("<");
    }
  }

  public RepresentativenessReport {
    dimensions = List.copyOf(dimensions);
  }

  /**
   * Compares the consented cohort with the eligible population. The consented cohort is expected to
   * be part of the eligible population; this is not checked.
   */
  public static RepresentativenessReport compare(
      Collection<QuasiIdentifiers> consented,
      Collection<QuasiIdentifiers> eligible,
      RepresentativenessSettings settings) {
    Objects.requireNonNull(consented, "consented");
    Objects.requireNonNull(eligible, "eligible");
    Objects.requireNonNull(settings, "settings");
    int width = settings.ageBandYears();
    List<Dimension> dimensions =
        List.of(
            dimension("sex", QuasiIdentifiers::sex, consented, eligible, settings),
            dimension("age band", q -> q.ageBand(width), consented, eligible, settings),
            dimension("race", QuasiIdentifiers::race, consented, eligible, settings),
            dimension("ethnicity", QuasiIdentifiers::ethnicity, consented, eligible, settings));
    boolean skewed = dimensions.stream().flatMap(d -> d.groups().stream()).anyMatch(Group::flagged);
    return new RepresentativenessReport(
        consented.size(),
        eligible.size(),
        width,
        settings.minCellCount(),
        settings.marginPoints(),
        skewed,
        dimensions);
  }

  /** The groups flagged, as "dimension value" (e.g. "race Asian"), in report order. */
  public List<String> flaggedGroups() {
    List<String> flagged = new ArrayList<>();
    for (Dimension dimension : dimensions) {
      for (Group group : dimension.groups()) {
        if (group.flagged()) {
          flagged.add(dimension.name() + " " + group.value());
        }
      }
    }
    return flagged;
  }

  /**
   * The report for a researcher, in plain text: whether consent skews this cohort, then one table
   * per dimension (consented and eligible counts and shares, the difference, flags marked {@code
   * !}).
   */
  public String toText() {
    return RepresentativenessText.render(this);
  }

  private static Dimension dimension(
      String name,
      Function<QuasiIdentifiers, String> valueOf,
      Collection<QuasiIdentifiers> consented,
      Collection<QuasiIdentifiers> eligible,
      RepresentativenessSettings settings) {
    Map<String, int[]> counts = new TreeMap<>(Demographics::compareValues);
    for (QuasiIdentifiers record : consented) {
      counts.computeIfAbsent(valueOf.apply(record), v -> new int[2])[0]++;
    }
    for (QuasiIdentifiers record : eligible) {
      counts.computeIfAbsent(valueOf.apply(record), v -> new int[2])[1]++;
    }
    List<String> values = List.copyOf(counts.keySet());
    int[] c = values.stream().mapToInt(v -> counts.get(v)[0]).toArray();
    int[] e = values.stream().mapToInt(v -> counts.get(v)[1]).toArray();
    int min = settings.minCellCount();
    boolean[] hiddenC = CellSuppression.hidden(c, min);
    boolean[] hiddenE = CellSuppression.hidden(e, min);
    int totalC = consented.size();
    int totalE = eligible.size();
    List<Group> groups = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Cell cellC = cell(c[i], totalC, hiddenC[i], min);
      Cell cellE = cell(e[i], totalE, hiddenE[i], min);
      Double difference =
          cellC.percent() == null || cellE.percent() == null
              ? null
              : CellSuppression.differencePoints(c[i], totalC, e[i], totalE);
      boolean flagged =
          CellSuppression.differsByMore(c[i], totalC, e[i], totalE, settings.marginPoints());
      groups.add(new Group(values.get(i), cellC, cellE, difference, flagged));
    }
    return new Dimension(name, groups);
  }

  private static Cell cell(int count, int total, boolean hidden, int min) {
    return hidden
        ? new Cell("<" + min, null)
        : new Cell(Integer.toString(count), CellSuppression.percent(count, total));
  }
}
