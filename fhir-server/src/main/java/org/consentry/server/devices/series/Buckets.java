package org.consentry.server.devices.series;

import java.util.Arrays;

/**
 * Downsampling for charts: the period {@code [start, end)} cut into buckets of equal length, each
 * keeping the count, minimum, maximum and mean of the samples that fall in it. A bucket as long as
 * the sampling period keeps every sample as it is (min = max = mean). Not thread-safe; pure.
 */
public final class Buckets {

  /** The most buckets one answer may hold. */
  public static final int MAX_BUCKETS = 100_000;

  /** A statistic per bucket. */
  public enum Statistic {
    COUNT,
    MIN,
    MAX,
    MEAN
  }

  private final long startMs;
  private final long bucketMs;
  private final int[] count;
  private final double[] min;
  private final double[] max;
  private final double[] sum;

  /**
   * @throws IllegalArgumentException if the period is empty or needs more than {@link #MAX_BUCKETS}
   *     buckets
   */
  public Buckets(long startMs, long endMs, long bucketMs) {
    if (bucketMs <= 0 || endMs <= startMs) {
      throw new IllegalArgumentException("the period and the bucket must not be empty");
    }
    long n = (endMs - startMs + bucketMs - 1) / bucketMs;
    if (n > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "the period needs " + n + " buckets, more than " + MAX_BUCKETS + ": use larger buckets");
    }
    this.startMs = startMs;
    this.bucketMs = bucketMs;
    this.count = new int[(int) n];
    this.min = new double[(int) n];
    this.max = new double[(int) n];
    this.sum = new double[(int) n];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  public long startMs() {
    return startMs;
  }

  public long bucketMs() {
    return bucketMs;
  }

  public int size() {
    return count.length;
  }

  /** Adds one sample; a sample outside the period is left out. */
  public void add(long timeMs, double value) {
    if (timeMs < startMs || Double.isNaN(value)) {
      return;
    }
    long index = (timeMs - startMs) / bucketMs;
    if (index >= count.length) {
      return;
    }
    int i = (int) index;
    count[i]++;
    sum[i] += value;
    if (value < min[i]) {
      min[i] = value;
    }
    if (value > max[i]) {
      max[i] = value;
    }
  }

  /** Adds every sample of a window. */
  public void add(Window window) {
    long time = window.startMs();
    for (int slot = 0; slot < window.slots(); slot++, time += window.periodMs()) {
      add(time, window.value(slot));
    }
  }

  /**
   * Adds the samples of any FHIR {@code SampledData}: value {@code i} (sample = origin + factor ×
   * value) at {@code startMs + i × periodMs}; {@code E}, {@code U} and {@code L} (no value, above
   * or below the detection limits) add nothing.
   *
   * @throws NumberFormatException if a value is not a decimal
   */
  public void addSampled(long startMs, double periodMs, double origin, double factor, String data) {
    int length = data.length();
    int i = 0;
    long n = 0;
    while (i < length) {
      while (i < length && data.charAt(i) == ' ') {
        i++;
      }
      if (i == length) {
        return;
      }
      int end = data.indexOf(' ', i);
      end = end < 0 ? length : end;
      char first = data.charAt(i);
      if (end - i != 1 || first != 'E' && first != 'U' && first != 'L') {
        double value = Double.parseDouble(data.substring(i, end));
        add(startMs + (long) Math.floor(n * periodMs), origin + factor * value);
      }
      n++;
      i = end;
    }
  }

  /** One statistic of one bucket; NaN for the min, max and mean of an empty bucket. */
  public double value(Statistic statistic, int bucket) {
    if (statistic == Statistic.COUNT) {
      return count[bucket];
    }
    if (count[bucket] == 0) {
      return Double.NaN;
    }
    return switch (statistic) {
      case MIN -> min[bucket];
      case MAX -> max[bucket];
      default -> sum[bucket] / count[bucket];
    };
  }

  /** The {@code SampledData.data} of one statistic: a value per bucket, {@code E} where empty. */
  public String data(Statistic statistic) {
    StringBuilder out = new StringBuilder(count.length * 4);
    for (int i = 0; i < count.length; i++) {
      if (i > 0) {
        out.append(' ');
      }
      Window.append(out, value(statistic, i));
    }
    return out.toString();
  }
}
