package org.consentry.server.devices;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.util.Date;
import java.util.TimeZone;
import org.consentry.server.devices.series.SeriesKey;
import org.consentry.server.devices.series.Window;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SampledData;

/**
 * A window of a series as a FHIR Observation, after the Personal Health Device IG's pattern for
 * sample arrays: {@code subject} the patient, {@code device} the device, {@code code} the
 * measurement's code, {@code effectivePeriod} from the first sample to the last (so ordinary
 * searches by date find it), and {@code valueSampledData} with the unit in {@code origin}, the
 * sampling {@code period} in milliseconds and one value per period from {@code
 * effectivePeriod.start} ({@code E} where a sample is missing).
 */
final class SeriesObservations {

  static final String UCUM = "http://unitsofmeasure.org";

  private SeriesObservations() {}

  /** The Observation of a window that holds at least one sample. */
  static Observation observation(SeriesKey key, Window window) {
    Observation observation = new Observation();
    observation.setId(key.observationId());
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(key.system()).setCode(key.code());
    observation.setSubject(new Reference("Patient/" + key.patientId()));
    observation.setDevice(new Reference("Device/" + key.deviceId()));
    observation.setEffective(
        new Period()
            .setStartElement(instant(window.firstTimeMs()))
            .setEndElement(instant(window.lastTimeMs())));
    SampledData data = new SampledData();
    data.setOrigin(
        new Quantity().setValue(0).setUnit(key.unit()).setSystem(UCUM).setCode(key.unit()));
    data.setPeriod(BigDecimal.valueOf(key.periodMs()));
    data.setDimensions(1);
    data.setData(window.data());
    observation.setValue(data);
    return observation;
  }

  /**
   * The window a stored Observation of this key holds.
   *
   * @throws IllegalStateException if it is not a window of the key (changed by someone else)
   */
  static Window window(SeriesKey key, Observation stored) {
    if (!stored.hasValueSampledData()
        || !stored.hasEffectivePeriod()
        || stored.getEffectivePeriod().getStart() == null) {
      throw new IllegalStateException(
          "Observation/" + key.observationId() + " is not a series window any more");
    }
    SampledData data = stored.getValueSampledData();
    if (data.getPeriod() == null || data.getPeriod().longValue() != key.periodMs()) {
      throw new IllegalStateException(
          "Observation/" + key.observationId() + " has another sampling period");
    }
    return Window.parse(
        key.windowStartMs(),
        key.periodMs(),
        stored.getEffectivePeriod().getStart().getTime(),
        data.hasData() ? data.getData() : "");
  }

  static DateTimeType instant(long timeMs) {
    DateTimeType time =
        new DateTimeType(
            new Date(timeMs), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC"));
    return time;
  }
}
