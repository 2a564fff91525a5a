package org.consentry.deid.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Small-cell suppression of one column of counts whose total is published (one population's counts
 * over the groups of one dimension), and the arithmetic of shares.
 *
 * <p>The rule: a count below the least shown is hidden (primary). Since the total is shown, one
 * hidden cell could be recomputed from the others, and hidden cells that together hold fewer than
 * the least shown give their members away (two hidden zeros of a shown total are both zero); so
 * while exactly one cell is hidden, or the hidden cells together hold fewer than the least shown,
 * the smallest shown cell (the first of equals) is hidden too (complementary), until neither holds
 * or every cell is hidden. A hidden count's share is hidden with it (count = share × total).
 */
public final class CellSuppression {

  private CellSuppression() {}

  /** Which of {@code counts} to hide, by the rule above. */
  public static boolean[] hidden(int[] counts, int minCellCount) {
    boolean[] hidden = new boolean[counts.length];
    int hiddenCells = 0;
    long hiddenSum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < minCellCount) {
        hidden[i] = true;
        hiddenCells++;
        hiddenSum += counts[i];
      }
    }
    while (hiddenCells > 0
        && hiddenCells < counts.length
        && (hiddenCells == 1 || hiddenSum < minCellCount)) {
      int smallest = -1;
      for (int i = 0; i < counts.length; i++) {
        if (!hidden[i] && (smallest < 0 || counts[i] < counts[smallest])) {
          smallest = i;
        }
      }
      hidden[smallest] = true;
      hiddenCells++;
      hiddenSum += counts[smallest];
    }
    return hidden;
  }

  /** {@code count / total} in percent, rounded half-up to one decimal; null if total is 0. */
  public static Double percent(int count, int total) {
    if (total == 0) {
      return null;
    }
    return BigDecimal.valueOf(count * 100L)
        .divide(BigDecimal.valueOf(total), 1, RoundingMode.HALF_UP)
        .doubleValue();
  }

  /**
   * Whether the shares {@code a / totalA} and {@code b / totalB} differ by more than {@code
   * marginPoints} percentage points, computed exactly; false if either total is 0.
   */
  public static boolean differsByMore(int a, int totalA, int b, int totalB, double marginPoints) {
    if (totalA == 0 || totalB == 0) {
      return false;
    }
    // |a/A - b/B| * 100 > m  <=>  |a*B - b*A| * 100 > m * A * B
    BigDecimal gap = BigDecimal.valueOf(Math.abs((long) a * totalB - (long) b * totalA) * 100);
    BigDecimal margin =
        BigDecimal.valueOf(marginPoints)
            .multiply(BigDecimal.valueOf(totalA))
            .multiply(BigDecimal.valueOf(totalB));
    return gap.compareTo(margin) > 0;
  }

  /** The difference a/A - b/B in percentage points, rounded half-up to one decimal. */
  public static double differencePoints(int a, int totalA, int b, int totalB) {
    BigDecimal shareA =
        BigDecimal.valueOf(a * 100L).divide(BigDecimal.valueOf(totalA), 10, RoundingMode.HALF_UP);
    BigDecimal shareB =
        BigDecimal.valueOf(b * 100L).divide(BigDecimal.valueOf(totalB), 10, RoundingMode.HALF_UP);
    return shareA.subtract(shareB).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }
}
