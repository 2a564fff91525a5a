package org.consentry.server.alerts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;

/**
 * The timed values of an Observation, for rules to look at: a {@code valueQuantity} at its
 * effective time (dateTime, instant, or the start of a period), or each value of a {@code
 * valueSampledData} series at {@code effective start + i * period} milliseconds, value {@code
 * origin + factor * data[i]} (first dimension of each sample when there are several). A sample
 * {@code E} (error), {@code L} or {@code U} (beyond the device's limits) is no measurement: it is
 * left out, and the gap it leaves counts as one. Observations that are cancelled or entered in
 * error have no values. A pure function.
 */
final class Measurements {

  /** One value at one time, from the Observation {@code source} ({@code Observation/id}). */
  record Point(long time, double value, String source) {}

  private Measurements() {}

  /**
   * The points of the Observation whose unit matches (any unit if {@code unit} is blank).
   *
   * @param source the Observation's reference, carried by each point
   */
  static List<Point> of(Observation observation, String unit, String source) {
    List<Point> points = new ArrayList<>();
    if (observation.getStatus() == Observation.ObservationStatus.CANCELLED
        || observation.getStatus() == Observation.ObservationStatus.ENTEREDINERROR) {
      return points;
    }
    Date start = start(observation);
    if (start == null) {
      return points;
    }
    if (observation.hasValueQuantity()) {
      Quantity quantity = observation.getValueQuantity();
      if (quantity.hasValue() && unitMatches(quantity, unit)) {
        points.add(new Point(start.getTime(), quantity.getValue().doubleValue(), source));
      }
    } else if (observation.hasValueSampledData()) {
      series(observation.getValueSampledData(), start.getTime(), unit, source, points);
    }
    return points;
  }

  private static void series(
      SampledData data, long start, String unit, String source, List<Point> points) {
    if (!data.hasOrigin()
        || !data.getOrigin().hasValue()
        || !data.hasPeriod()
        || data.getPeriod().signum() <= 0
        || !data.hasData()
        || !unitMatches(data.getOrigin(), unit)) {
      return;
    }
    double origin = data.getOrigin().getValue().doubleValue();
    double factor = data.hasFactor() ? data.getFactor().doubleValue() : 1.0;
    BigDecimal period = data.getPeriod();
    int dimensions = data.hasDimensions() ? Math.max(1, data.getDimensions()) : 1;
    String text = data.getData();
    // whole samples only: a last one missing some of its dimensions is left out
    long complete = dimensions == 1 ? Long.MAX_VALUE : count(text) / dimensions;
    int sample = 0;
    for (int i = 0, end; (i = nextToken(text, i)) >= 0; i = end, sample++) {
      end = tokenEnd(text, i);
      if (sample % dimensions != 0) {
        continue; // the first dimension only
      }
      if (sample / dimensions >= complete) {
        break;
      }
      long at = start + period.multiply(BigDecimal.valueOf(sample / dimensions)).longValue();
      char first = text.charAt(i);
      if (first == 'E' || first == 'L' || first == 'U') {
        continue; // no measurement at this time
      }
      try {
        points.add(
            new Point(at, origin + factor * Double.parseDouble(text.substring(i, end)), source));
      } catch (NumberFormatException e) {
        // not a number: no measurement at this time
      }
    }
  }

  /** The number of values in a {@code SampledData.data} (separated by white space). */
  static int count(String text) {
    int n = 0;
    for (int i = 0; (i = nextToken(text, i)) >= 0; i = tokenEnd(text, i)) {
      n++;
    }
    return n;
  }

  /** Where the next value starts at or after {@code from}, or -1 if none. */
  private static int nextToken(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) > ' ') {
        return i;
      }
    }
    return -1;
  }

  private static int tokenEnd(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) > ' ') {
      i++;
    }
    return i;
  }

  private static boolean unitMatches(Quantity quantity, String unit) {
    if (unit == null || unit.isBlank()) {
      return true;
    }
    return unit.equals(quantity.getCode())
        || !quantity.hasCode() && unit.equals(quantity.getUnit());
  }

  /** When the Observation's values start. */
  static Date start(Observation observation) {
    if (observation.hasEffectiveDateTimeType()) {
      return observation.getEffectiveDateTimeType().getValue();
    }
    if (observation.hasEffectiveInstantType()) {
      return observation.getEffectiveInstantType().getValue();
    }
    if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
      return observation.getEffectivePeriod().getStart();
    }
    return null;
  }
}
