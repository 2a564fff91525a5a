package org.consentry.deid.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.consentry.deid.QuasiIdentifiers;
import org.consentry.deid.RiskSettings;

/** The equivalence classes of a cohort at one generalization level, and what k makes of them. */
public final class EquivalenceClasses {

  private final int records;
  private final List<List<String>> keysByClass;

  private EquivalenceClasses(int records, List<List<String>> keysByClass) {
    this.records = records;
    this.keysByClass = keysByClass;
  }

  /**
   * Groups the records by their class at {@code level}.
   *
   * @throws IllegalArgumentException if two records have the same patient key
   */
  public static EquivalenceClasses of(
      Collection<QuasiIdentifiers> cohort, RiskSettings.Level level) {
    Map<List<String>, List<String>> classes = new HashMap<>();
    for (QuasiIdentifiers record : cohort) {
      classes
          .computeIfAbsent(level.classOf(record), c -> new ArrayList<>())
          .add(record.patientKey());
    }
    return new EquivalenceClasses(cohort.size(), List.copyOf(classes.values()));
  }

  /** Fails on a patient key that occurs twice: a patient is one record. */
  public static void requireUniqueKeys(Collection<QuasiIdentifiers> cohort) {
    Set<String> seen = new HashSet<>();
    for (QuasiIdentifiers record : cohort) {
      if (!seen.add(record.patientKey())) {
        throw new IllegalArgumentException(
            "patient key twice in one cohort: " + record.patientKey());
      }
    }
  }

  public int records() {
    return records;
  }

  /** The number of classes (0 for an empty cohort). */
  public int classes() {
    return keysByClass.size();
  }

  /** The size of the smallest class, 0 for an empty cohort. */
  public int smallest() {
    return keysByClass.stream().mapToInt(List::size).min().orElse(0);
  }

  /** The number of records in classes of fewer than k records. */
  public int belowK(int k) {
    return keysByClass.stream().mapToInt(List::size).filter(size -> size < k).sum();
  }

  /** The classes of at least k records: how many. */
  public int classesAtLeastK(int k) {
    return (int) keysByClass.stream().filter(keys -> keys.size() >= k).count();
  }

  /** The smallest class of at least k records, 0 if none. */
  public int smallestAtLeastK(int k) {
    return keysByClass.stream().mapToInt(List::size).filter(size -> size >= k).min().orElse(0);
  }

  /** The patient keys in classes of fewer than k records, sorted. */
  public List<String> keysBelowK(int k) {
    TreeSet<String> keys = new TreeSet<>();
    for (List<String> members : keysByClass) {
      if (members.size() < k) {
        keys.addAll(members);
      }
    }
    return List.copyOf(keys);
  }

  /** Whether {@code count} of {@code records} is no more than {@code maxShare}, exactly. */
  public static boolean withinShare(int count, int records, double maxShare) {
    return BigDecimal.valueOf(count)
            .compareTo(BigDecimal.valueOf(maxShare).multiply(BigDecimal.valueOf(records)))
        <= 0;
  }
}
