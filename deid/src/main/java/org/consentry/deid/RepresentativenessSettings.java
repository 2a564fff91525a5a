package org.consentry.deid;

/**
 * How {@link RepresentativenessReport#compare} groups, hides and flags.
 *
 * @param ageBandYears the width of the age bands (ages of 90 and over are one band, {@code 90+});
 *     at least 1. Default 10.
 * @param minCellCount the smallest count shown: counts below it (0 included) are shown as {@code
 *     <minCellCount}, without their share. 0 shows every count. Default 11: counts of 0 to 10 show
 *     as {@code <11}.
 * @param marginPoints a group is flagged when its share of the consented cohort and its share of
 *     the eligible population differ by <em>more</em> than this many percentage points (absolute
 *     points: 30% against 42% is 12 points, whatever the group's size). Default 10.
 */
public record RepresentativenessSettings(int ageBandYears, int minCellCount, double marginPoints) {

  /** Age in 10-year bands, counts below 11 hidden, flagged above 10 percentage points. */
  public static final RepresentativenessSettings DEFAULTS =
      new RepresentativenessSettings(10, 11, 10.0);

  /**
   * @throws IllegalArgumentException if the band width is below 1, the least count negative, or the
   *     margin is negative or above 100
   */
  public RepresentativenessSettings {
    if (ageBandYears < 1) {
      throw new IllegalArgumentException("ageBandYears must be at least 1, not " + ageBandYears);
    }
    if (minCellCount < 0) {
      throw new IllegalArgumentException("minCellCount must not be negative: " + minCellCount);
    }
    if (!(marginPoints >= 0 && marginPoints <= 100)) {
      throw new IllegalArgumentException(
          "marginPoints must be between 0 and 100, not " + marginPoints);
    }
  }
}
