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
    String[] samples = data.getData().trim().split("\\s+");
    for (int i = 0; i + dimensions - 1 < samples.length; i += dimensions) {
      String sample = samples[i];
      long at = start + period.multiply(BigDecimal.valueOf(i / dimensions)).longValue();
      try {
        points.add(new Point(at, origin + factor * Double.parseDouble(sample), source));
      } catch (NumberFormatException e) {
        // E, L, U: no measurement at this time
      }
    }
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
