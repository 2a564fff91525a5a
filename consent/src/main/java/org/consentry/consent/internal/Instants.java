package org.consentry.consent.internal;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Type;

/**
 * FHIR dates as epoch milliseconds. A date stands for the whole span its precision covers: {@code
 * 2024-03} starts at March 1st 00:00 and ends at March 31st 23:59:59.999, so bounds given to day
 * precision are inclusive. Dates without time zone are read in the JVM's default zone, as HAPI
 * does.
 */
final class Instants {

  static final long OPEN_START = Long.MIN_VALUE;
  static final long OPEN_END = Long.MAX_VALUE;

  private Instants() {}

  static long start(BaseDateTimeType date) {
    return date == null || date.getValue() == null ? OPEN_START : date.getValue().getTime();
  }

  static long end(BaseDateTimeType date) {
    if (date == null || date.getValue() == null) {
      return OPEN_END;
    }
    TemporalPrecisionEnum precision = date.getPrecision();
    if (precision == null || precision == TemporalPrecisionEnum.MILLI) {
      return date.getValue().getTime();
    }
    return precision.add(date.getValue(), 1).getTime() - 1;
  }

  static long start(Period period) {
    return period.hasStart() ? start(period.getStartElement()) : OPEN_START;
  }

  static long end(Period period) {
    return period.hasEnd() ? end(period.getEndElement()) : OPEN_END;
  }

  /**
   * Writes the span of a dateTime, instant, date or Period into {@code into} (start, end); false
   * when the value is of another type (Age, Range, string, Timing) or empty.
   */
  static boolean span(Type value, long[] into) {
    if (value instanceof BaseDateTimeType date && date.getValue() != null) {
      into[0] = start(date);
      into[1] = end(date);
      return true;
    }
    if (value instanceof Period period && (period.hasStart() || period.hasEnd())) {
      into[0] = start(period);
      into[1] = end(period);
      return true;
    }
    return false;
  }
}
