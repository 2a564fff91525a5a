package org.consentry.deid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.consentry.deid.internal.EquivalenceClasses;
import org.consentry.deid.internal.RiskText;

/**
 * The re-identification risk of a research export, measured as k-anonymity over the quasi-
 * identifiers (age band, sex, ZIP3, race, ethnicity), and what it takes to reach k: the first level
 * of the generalization ladder where at most the allowed share of records must be suppressed, and
 * the records suppressed there. An <em>equivalence class</em> is the set of records that look the
 * same at a level; a record in a class of fewer than k records could be singled out by someone who
 * knows those attributes of a person.
 *
 * <p>Built by {@link #analyze}: a pure function, deterministic (suppressed keys sorted, levels in
 * ladder order). Serializes with Jackson as it is (records, an enum, lists); {@link #toText()} is
 * the same for a reader.
 *
 * @param k the k aimed for
 * @param maxSuppressedShare the largest share of records (0 to 1) allowed to be suppressed
 * @param records the number of records (patients) in the cohort
 * @param smallestClass the size of the smallest equivalence class before any generalization (at
 *     level 0 of the ladder); 0 for an empty cohort. 1 means some patient is unique.
 * @param recordsBelowK the number of records in classes of fewer than k records, before any
 *     generalization (level 0)
 * @param status whether k was reached and at what cost
 * @param level the index in the ladder of the level used (0 = finest); for {@link
 *     Status#NOT_REACHED}, the last level
 * @param levelDescription what the records keep at that level, e.g. "age in 10-year bands, sex,
 *     ZIP3, race, ethnicity"
 * @param suppressed the patient keys to leave out of the export: the records still in classes below
 *     k at the level used (all of them if k is not reached), sorted
 * @param released the number of records left after suppression
 * @param releasedClasses the number of equivalence classes among the released records
 * @param smallestReleasedClass the smallest class among the released records (at least k), 0 if
 *     none is released
 * @param levels what each level of the ladder gives, in ladder order
 */
public record RiskReport(
    int k,
    double maxSuppressedShare,
    int records,
    int smallestClass,
    int recordsBelowK,
    Status status,
    int level,
    String levelDescription,
    List<String> suppressed,
    int released,
    int releasedClasses,
    int smallestReleasedClass,
    List<LevelResult> levels) {

  /** Whether k-anonymity was reached. */
  public enum Status {
    /** Reached at {@code level}, suppressing no more than the allowed share. */
    REACHED,
    /**
     * Reached only by suppressing more than the allowed share: at no level is the share of records
     * below k within the maximum. {@code level} is the one that suppresses the fewest records.
     */
    REACHED_ABOVE_MAX_SUPPRESSION,
    /**
     * Not reached: at every level every record is in a class below k (for example a cohort of fewer
     * than k patients), or the cohort is empty. Every record would have to be suppressed; nothing
     * can be released.
     */
    NOT_REACHED
  }

  /**
   * One level of the ladder, as measured on the whole cohort before suppression.
   *
   * @param level the index in the ladder
   * @param description what the records keep at this level
   * @param classes the number of equivalence classes
   * @param smallestClass the size of the smallest class (0 for an empty cohort)
   * @param recordsBelowK the number of records in classes of fewer than k records: those that would
   *     be suppressed at this level
   */
  public record LevelResult(
      int level, String description, int classes, int smallestClass, int recordsBelowK) {}

  public RiskReport {
    suppressed = List.copyOf(suppressed);
    levels = List.copyOf(levels);
  }

  /**
   * Measures the cohort at every level of the ladder, picks the first level where the records below
   * k are within {@code maxSuppressedShare} of the cohort, and suppresses them. If no level is
   * within the share, the level with the fewest records below k (the first of equals) is used and
   * the status says so; if even there every record is below k, k is not reached.
   *
   * @throws IllegalArgumentException if two records have the same patient key
   */
  public static RiskReport analyze(Collection<QuasiIdentifiers> cohort, RiskSettings settings) {
    Objects.requireNonNull(settings, "settings");
    EquivalenceClasses.requireUniqueKeys(Objects.requireNonNull(cohort, "cohort"));
    int k = settings.k();
    int records = cohort.size();
    List<EquivalenceClasses> measured = new ArrayList<>();
    List<LevelResult> levels = new ArrayList<>();
    for (RiskSettings.Level level : settings.ladder()) {
      EquivalenceClasses classes = EquivalenceClasses.of(cohort, level);
      measured.add(classes);
      levels.add(
          new LevelResult(
              levels.size(),
              level.description(),
              classes.classes(),
              classes.smallest(),
              classes.belowK(k)));
    }
    int chosen = -1;
    for (LevelResult result : levels) {
      if (EquivalenceClasses.withinShare(
          result.recordsBelowK(), records, settings.maxSuppressedShare())) {
        chosen = result.level();
        break;
      }
    }
    Status status = Status.REACHED;
    if (chosen < 0) {
      chosen = 0;
      for (LevelResult result : levels) {
        if (result.recordsBelowK() < levels.get(chosen).recordsBelowK()) {
          chosen = result.level();
        }
      }
      status = Status.REACHED_ABOVE_MAX_SUPPRESSION;
    }
    if (levels.get(chosen).recordsBelowK() == records) {
      chosen = levels.size() - 1;
      status = Status.NOT_REACHED;
    }
    EquivalenceClasses used = measured.get(chosen);
    List<String> suppressed = used.keysBelowK(k);
    return new RiskReport(
        k,
        settings.maxSuppressedShare(),
        records,
        levels.get(0).smallestClass(),
        levels.get(0).recordsBelowK(),
        status,
        chosen,
        levels.get(chosen).description(),
        suppressed,
        records - suppressed.size(),
        used.classesAtLeastK(k),
        used.smallestAtLeastK(k),
        levels);
  }

  /** Whether k was reached, within the allowed suppression or beyond it. */
  public boolean kReached() {
    return status != Status.NOT_REACHED;
  }

  /**
   * The report for a researcher, in plain text: the outcome first (e.g. "k=5 not reached: the
   * cohort has 3 patients, fewer than k..."), then the risk before generalization, the levels tried
   * and the suppressed keys.
   */
  public String toText() {
    return RiskText.render(this);
  }
}
