package org.consentry.server.devices.series;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * One hour of one series (a patient's device measuring one code at a fixed sampling period): the
 * samples on a fixed grid from the window's start, as a FHIR {@code SampledData} holds them ({@code
 * origin} the window start, {@code period} in milliseconds, {@code data} the values separated by
 * spaces, {@code E} for a slot without a sample). A measurement's time is placed on the grid (to
 * the nearest slot), so late and out-of-order measurements land where they belong, and a
 * measurement sent again changes nothing. Not thread-safe; pure.
 */
public final class Window {

  /** The span of every window: one hour, aligned on the hour (UTC). */
  public static final long SPAN_MS = 3_600_000L;

  /** The shortest sampling period a series may have (36,000 slots a window). */
  public static final long MIN_PERIOD_MS = 100;

  private static final String MISSING = "E";

  private final long startMs;
  private final long periodMs;
  private final double[] values;

  private Window(long startMs, long periodMs, double[] values) {
    this.startMs = startMs;
    this.periodMs = periodMs;
    this.values = values;
  }

  /** Whether a sampling period fits the grid: at least 100 ms, and a whole number of per hour. */
  public static boolean validPeriod(long periodMs) {
    return periodMs >= MIN_PERIOD_MS && periodMs <= SPAN_MS && SPAN_MS % periodMs == 0;
  }

  /** A measurement's time placed on the grid of the period: the nearest slot's time. */
  public static long onGrid(long timeMs, long periodMs) {
    return Math.floorDiv(timeMs + periodMs / 2, periodMs) * periodMs;
  }

  /** The start of the window that holds a time on the grid. */
  public static long startOf(long gridTimeMs) {
    return Math.floorDiv(gridTimeMs, SPAN_MS) * SPAN_MS;
  }

  /** A window without samples. */
  public static Window empty(long startMs, long periodMs) {
    check(startMs, periodMs);
    double[] values = new double[(int) (SPAN_MS / periodMs)];
    Arrays.fill(values, Double.NaN);
    return new Window(startMs, periodMs, values);
  }

  /**
   * A stored window from its {@code SampledData.data}, whose first value is the sample at {@code
   * dataStartMs} (the Observation's {@code effectivePeriod.start}).
   *
   * @throws IllegalArgumentException if the data start is off the grid or the values overrun the
   *     window
   */
  public static Window parse(long startMs, long periodMs, long dataStartMs, String data) {
    Window window = empty(startMs, periodMs);
    long offset = dataStartMs - startMs;
    if (offset < 0 || offset >= SPAN_MS || offset % periodMs != 0) {
      throw new IllegalArgumentException("the data start is off the window's grid");
    }
    int slot = (int) (offset / periodMs);
    int length = data.length();
    int i = 0;
    while (i < length) {
      while (i < length && data.charAt(i) == ' ') {
        i++;
      }
      if (i == length) {
        break;
      }
      int end = data.indexOf(' ', i);
      end = end < 0 ? length : end;
      if (slot >= window.values.length) {
        throw new IllegalArgumentException("more values than the window has slots");
      }
      String token = data.substring(i, end);
      window.values[slot++] = MISSING.equals(token) ? Double.NaN : Double.parseDouble(token);
      i = end;
    }
    return window;
  }

  private static void check(long startMs, long periodMs) {
    if (!validPeriod(periodMs) || startMs % SPAN_MS != 0) {
      throw new IllegalArgumentException("not a window: start " + startMs + ", period " + periodMs);
    }
  }

  public long startMs() {
    return startMs;
  }

  public long periodMs() {
    return periodMs;
  }

  /** The number of slots. */
  public int slots() {
    return values.length;
  }

  /** The value of a slot; NaN if it has no sample. */
  public double value(int slot) {
    return values[slot];
  }

  /**
   * Puts a measurement in its slot.
   *
   * @param gridTimeMs the measurement's time on this window's grid ({@link #onGrid})
   * @return whether the window changed (false: the same value was already there)
   * @throws IllegalArgumentException if the time is outside the window or off the grid
   */
  public boolean put(long gridTimeMs, double value) {
    long offset = gridTimeMs - startMs;
    if (offset < 0 || offset >= SPAN_MS || offset % periodMs != 0) {
      throw new IllegalArgumentException("time outside the window's grid");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("not a finite value");
    }
    int slot = (int) (offset / periodMs);
    if (Double.compare(values[slot], value) == 0) {
      return false;
    }
    values[slot] = value;
    return true;
  }

  /** A copy of this window. */
  public Window copy() {
    return new Window(startMs, periodMs, values.clone());
  }

  /** Whether the other window holds the same samples on the same grid. */
  public boolean sameSamples(Window other) {
    if (other.startMs != startMs || other.periodMs != periodMs) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if (Double.compare(values[i], other.values[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The number of slots with a sample. */
  public int samples() {
    int n = 0;
    for (double v : values) {
      n += Double.isNaN(v) ? 0 : 1;
    }
    return n;
  }

  /** The time of the first sample, or -1 if none. */
  public long firstTimeMs() {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isNaN(values[i])) {
        return startMs + i * periodMs;
      }
    }
    return -1;
  }

  /** The time of the last sample, or -1 if none. */
  public long lastTimeMs() {
    for (int i = values.length - 1; i >= 0; i--) {
      if (!Double.isNaN(values[i])) {
        return startMs + i * periodMs;
      }
    }
    return -1;
  }

  /**
   * The {@code SampledData.data} of the window from its first sample ({@link #firstTimeMs}) to its
   * last: one value or {@code E} per slot; empty if the window has no sample.
   */
  public String data() {
    long first = firstTimeMs();
    if (first < 0) {
      return "";
    }
    int from = (int) ((first - startMs) / periodMs);
    int to = (int) ((lastTimeMs() - startMs) / periodMs);
    StringBuilder out = new StringBuilder((to - from + 1) * 4);
    for (int i = from; i <= to; i++) {
      if (i > from) {
        out.append(' ');
      }
      append(out, values[i]);
    }
    return out.toString();
  }

  /** A value as a FHIR decimal (shortest exact form), or {@code E} for NaN. */
  static void append(StringBuilder out, double value) {
    if (Double.isNaN(value)) {
      out.append(MISSING);
    } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }
  }
}
