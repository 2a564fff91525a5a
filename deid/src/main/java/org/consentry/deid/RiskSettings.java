package org.consentry.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RiskReport#analyze} aims for: every released record in a class of at least {@code k}
 * records with the same generalized quasi-identifiers, reached at the first level of the {@code
 * ladder} where no more than {@code maxSuppressedShare} of the records must be suppressed.
 *
 * @param k the least size of an equivalence class (k-anonymity); at least 1. Default 5.
 * @param maxSuppressedShare the largest share of records (0 to 1) that may be suppressed at the
 *     chosen level. Default 0.05 (5%).
 * @param ladder the generalization levels, finest first, tried in order; not empty. Default {@link
 *     #DEFAULT_LADDER}.
 */
public record RiskSettings(int k, double maxSuppressedShare, List<Level> ladder) {

  /**
   * The default ladder, seven levels: age in 5-year bands, then 10, then 20, then one band (ZIP3,
   * race and ethnicity kept so far); then ZIP3 removed; then race removed; then ethnicity removed,
   * leaving sex alone. Sex is never generalized.
   */
  public static final List<Level> DEFAULT_LADDER =
      List.of(
          new Level(5, true, true, true),
          new Level(10, true, true, true),
          new Level(20, true, true, true),
          new Level(Level.ONE_AGE_BAND, true, true, true),
          new Level(Level.ONE_AGE_BAND, false, true, true),
          new Level(Level.ONE_AGE_BAND, false, false, true),
          new Level(Level.ONE_AGE_BAND, false, false, false));

  /** k = 5, at most 5% suppressed, {@link #DEFAULT_LADDER}. */
  public static final RiskSettings DEFAULTS = new RiskSettings(5, 0.05, DEFAULT_LADDER);

  /**
   * @throws IllegalArgumentException if k is below 1, the share outside 0 to 1, or the ladder empty
   */
  public RiskSettings {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, not " + k);
    }
    if (!(maxSuppressedShare >= 0 && maxSuppressedShare <= 1)) {
      throw new IllegalArgumentException(
          "maxSuppressedShare must be between 0 and 1, not " + maxSuppressedShare);
    }
    ladder = List.copyOf(Objects.requireNonNull(ladder, "ladder"));
    if (ladder.isEmpty()) {
      throw new IllegalArgumentException("the ladder needs at least one level");
    }
  }

  /** The defaults with another k. */
  public static RiskSettings withK(int k) {
    return new RiskSettings(k, DEFAULTS.maxSuppressedShare, DEFAULT_LADDER);
  }

  /**
   * One generalization level: how each quasi-identifier appears in the equivalence classes. Sex is
   * always kept as it is.
   *
   * @param ageBandYears the width of the age bands in years ({@link #ONE_AGE_BAND}: every age in
   *     one band); ages of 90 and over are the one band {@code 90+} at every positive width
   * @param zip3 whether ZIP3 is kept (else removed: shown as {@code *})
   * @param race whether race is kept
   * @param ethnicity whether ethnicity is kept
   */
  public record Level(int ageBandYears, boolean zip3, boolean race, boolean ethnicity) {

    /** An age band width that puts every age, unknown ones too, in one band. */
    public static final int ONE_AGE_BAND = 0;

    /** How a removed quasi-identifier appears in {@link #classOf}. */
    public static final String REMOVED = "*";

    public Level {
      if (ageBandYears < 0) {
        throw new IllegalArgumentException("ageBandYears must be 0 (one band) or positive");
      }
    }

    /**
     * The equivalence class of a record at this level: its generalized age band, sex, ZIP3, race,
     * ethnicity, in that order, with {@link #REMOVED} for what this level removes.
     */
    public List<String> classOf(QuasiIdentifiers record) {
      List<String> values = new ArrayList<>(5);
      values.add(record.ageBand(ageBandYears));
      values.add(record.sex());
      values.add(zip3 ? record.zip3() : REMOVED);
      values.add(race ? record.race() : REMOVED);
      values.add(ethnicity ? record.ethnicity() : REMOVED);
      return List.copyOf(values);
    }

    /** For a reader: e.g. "age in 10-year bands, sex, ZIP3, race, ethnicity". */
    public String description() {
      StringBuilder text = new StringBuilder();
      text.append(
          ageBandYears == ONE_AGE_BAND ? "age removed" : "age in " + ageBandYears + "-year bands");
      text.append(", sex");
      text.append(zip3 ? ", ZIP3" : "");
      text.append(race ? ", race" : "");
      text.append(ethnicity ? ", ethnicity" : "");
      return text.toString();
    }
  }
}
