package org.consentry.server.alerts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.server.alerts.AlertProperties.Rule;
import org.consentry.server.alerts.Measurements.Point;

/**
 * Where a rule's condition holds in a patient's measurements: runs of consecutive values beyond the
 * threshold, no two more than the rule's max-gap apart, that last at least the rule's sustained
 * time (any single value when that is zero). A value back in range, or a longer gap, ends a run. A
 * pure function of the rule and the points.
 */
final class Episodes {

  /**
   * A run that satisfies the rule.
   *
   * @param start the time of its first value
   * @param end the time of its last value beyond the threshold
   * @param extreme the highest value (above-rules) or lowest (below-rules)
   * @param sources the Observations its values came from, in time order
   */
  record Run(long start, long end, double extreme, Set<String> sources) {}

  private Episodes() {}

  /** The runs that satisfy the rule, oldest first. Points need not be sorted. */
  static List<Run> of(Rule rule, List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort((a, b) -> Long.compare(a.time(), b.time()));
    long sustained = rule.sustained().toMillis();
    long maxGap = rule.maxGap().toMillis();
    List<Run> runs = new ArrayList<>();
    List<Point> current = new ArrayList<>();
    for (Point point : sorted) {
      boolean continues =
          !current.isEmpty() && point.time() - current.get(current.size() - 1).time() <= maxGap;
      if (!continues) {
        close(rule, current, sustained, runs);
      }
      if (rule.beyond(point.value())) {
        current.add(point);
      } else {
        close(rule, current, sustained, runs);
      }
    }
    close(rule, current, sustained, runs);
    return runs;
  }

  /** The time of the latest point, if it is back in range; else -1. */
  static long clearedAt(Rule rule, List<Point> points) {
    Point latest = null;
    for (Point point : points) {
      if (latest == null || point.time() > latest.time()) {
        latest = point;
      }
    }
    return latest != null && !rule.beyond(latest.value()) ? latest.time() : -1;
  }

  private static void close(Rule rule, List<Point> run, long sustained, List<Run> runs) {
    if (run.isEmpty()) {
      return;
    }
    long start = run.get(0).time();
    long end = run.get(run.size() - 1).time();
    if (end - start >= sustained) {
      double extreme = run.get(0).value();
      Set<String> sources = new LinkedHashSet<>();
      for (Point point : run) {
        extreme =
            rule.above() != null
                ? Math.max(extreme, point.value())
                : Math.min(extreme, point.value());
        sources.add(point.source());
      }
      runs.add(new Run(start, end, extreme, sources));
    }
    run.clear();
  }
}
