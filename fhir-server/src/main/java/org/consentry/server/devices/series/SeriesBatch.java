package org.consentry.server.devices.series;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of measurements grouped by window ({@link SeriesKey}), each group merged into its window
 * in the order sent (a later line for the same slot wins). Pure.
 */
public final class SeriesBatch {

  private SeriesBatch() {}

  /** The measurements of each window, windows in the order they first appear. */
  public static Map<SeriesKey, List<Measurement>> group(List<Measurement> measurements) {
    Map<SeriesKey, List<Measurement>> windows = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      windows.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
    }
    return windows;
  }

  /**
   * Puts the measurements into the window.
   *
   * @return whether the window changed (false: every measurement was already there, same value)
   */
  public static boolean merge(Window window, List<Measurement> measurements) {
    Window before = window.copy();
    for (Measurement m : measurements) {
      window.put(m.gridTimeMs(), m.value());
    }
    return !window.sameSamples(before);
  }
}
