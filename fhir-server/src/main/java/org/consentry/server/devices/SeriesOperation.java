package org.consentry.server.devices;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.consentry.server.consent.RequesterSearches;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.devices.series.Buckets;
import org.consentry.server.devices.series.Buckets.Statistic;
import org.consentry.server.devices.series.MeasurementLines;
import org.consentry.server.fhir.FhirOperations;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code GET /fhir/Observation/$series?patient=P&code=C&start=S&end=E[&bucket=B]}: a patient's
 * measurements of one code over {@code [start, end)}, from series windows ({@code
 * valueSampledData}) and from plain numeric Observations ({@code valueQuantity}) alike.
 *
 * <p>The Observations are found by the requester's own search ({@link RequesterSearches}): consent
 * narrows it and decides each Observation exactly as for {@code GET /fhir/Observation?...}, and
 * what is hidden is simply not counted. The answer for a patient whose data the requester may not
 * see is the answer for a patient without data.
 *
 * <p>Answer (Parameters): {@code start} (where the first bucket begins: {@code start} rounded down
 * to a multiple of the bucket length), {@code bucket} (milliseconds), and with {@code bucket} given
 * (milliseconds, or an ISO-8601 duration such as {@code PT1M}) the statistics {@code count}, {@code
 * min}, {@code max}, {@code mean} as SampledData with one value per bucket ({@code E}: no sample);
 * without it {@code points}, every sample at the finest sampling period found (1 s if none).
 */
final class SeriesOperation implements FhirOperations {

  /** The most Observations one answer reads (a year of hourly windows is 8,760). */
  static final int MAX_OBSERVATIONS = 10_000;

  private static final long DEFAULT_PERIOD_MS = 1000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final RequesterSearches searches;
  private final Plaintext plaintext;

  SeriesOperation(RequesterSearches searches, Plaintext plaintext) {
    this.searches = searches;
    this.plaintext = plaintext;
  }

  @Operation(name = "$series", typeName = "Observation", idempotent = true)
  public Parameters series(
      @OperationParam(name = "patient", max = 1) StringType patient,
      @OperationParam(name = "code", max = 1) StringType code,
      @OperationParam(name = "start", max = 1) StringType start,
      @OperationParam(name = "end", max = 1) StringType end,
      @OperationParam(name = "bucket", max = 1) StringType bucket,
      RequestDetails request) {
    String patientId = patientId(patient);
    String token = code(code);
    long from = time("start", start);
    long to = time("end", end);
    if (to <= from) {
      throw new InvalidRequestException("end must be after start");
    }
    Long bucketMs = bucket == null || bucket.isEmpty() ? null : bucketMs(bucket.getValue());
    List<IBaseResource> found =
        searches.search(
            request,
            "Observation",
            Map.of(
                "patient", new String[] {"Patient/" + patientId},
                "code", new String[] {token},
                "date", new String[] {"ge" + iso(from), "lt" + iso(to)}),
            MAX_OBSERVATIONS);
    if (found.size() > MAX_OBSERVATIONS) {
      throw new InvalidRequestException(
          "more than " + MAX_OBSERVATIONS + " Observations in the period: ask for a shorter one");
    }
    // consent let these through: a restricted window's values are stored encrypted
    found.forEach(resource -> plaintext.reveal((Observation) resource));
    long size = bucketMs != null ? bucketMs : finestPeriod(found);
    long first = Math.floorDiv(from, size) * size;
    Buckets buckets;
    try {
      buckets = new Buckets(first, to, size);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    String unit = null;
    for (IBaseResource resource : found) {
      Observation observation = (Observation) resource;
      String seen = add(buckets, observation);
      unit = unit == null ? seen : unit;
    }
    Parameters answer = new Parameters();
    answer.addParameter().setName("start").setValue(SeriesObservations.instant(first));
    answer.addParameter().setName("bucket").setValue(new DecimalType(size));
    if (bucketMs == null) {
      answer.addParameter().setName("points").setValue(sampled(buckets, Statistic.MEAN, unit));
    } else {
      answer.addParameter().setName("count").setValue(sampled(buckets, Statistic.COUNT, null));
      answer.addParameter().setName("min").setValue(sampled(buckets, Statistic.MIN, unit));
      answer.addParameter().setName("max").setValue(sampled(buckets, Statistic.MAX, unit));
      answer.addParameter().setName("mean").setValue(sampled(buckets, Statistic.MEAN, unit));
    }
    return answer;
  }

  /** Adds an Observation's samples; returns its unit (null if it has none or no numeric value). */
  private static String add(Buckets buckets, Observation observation) {
    Long at = start(observation);
    if (at == null) {
      return null;
    }
    try {
      if (observation.hasValueSampledData()) {
        SampledData data = observation.getValueSampledData();
        if (data.getPeriod() == null || data.getPeriod().signum() <= 0 || !data.hasData()) {
          return null;
        }
        buckets.addSampled(
            at,
            data.getPeriod().doubleValue(),
            data.getOrigin().hasValue() ? data.getOrigin().getValue().doubleValue() : 0,
            data.hasFactor() ? data.getFactor().doubleValue() : 1,
            data.getData());
        return unit(data.getOrigin());
      }
      if (observation.hasValueQuantity() && observation.getValueQuantity().hasValue()) {
        buckets.add(at, observation.getValueQuantity().getValue().doubleValue());
        return unit(observation.getValueQuantity());
      }
    } catch (NumberFormatException | org.hl7.fhir.exceptions.FHIRException e) {
      // a stored value that is not a decimal: not a measurement
    }
    return null;
  }

  private static Long start(Observation observation) {
    if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().getStart() != null) {
      return observation.getEffectivePeriod().getStart().getTime();
    }
    if (observation.hasEffectiveDateTimeType()
        && observation.getEffectiveDateTimeType().getValue() != null) {
      return observation.getEffectiveDateTimeType().getValue().getTime();
    }
    if (observation.hasEffectiveInstantType()
        && observation.getEffectiveInstantType().getValue() != null) {
      return observation.getEffectiveInstantType().getValue().getTime();
    }
    return null;
  }

  private static String unit(Quantity quantity) {
    return quantity.hasCode() ? quantity.getCode() : quantity.hasUnit() ? quantity.getUnit() : null;
  }

  /** The finest sampling period among the series found (whole milliseconds), else 1 s. */
  private static long finestPeriod(List<IBaseResource> found) {
    long finest = Long.MAX_VALUE;
    for (IBaseResource resource : found) {
      Observation observation = (Observation) resource;
      if (observation.hasValueSampledData()
          && observation.getValueSampledData().getPeriod() != null
          && observation.getValueSampledData().getPeriod().signum() > 0) {
        long period =
            Math.max(
                1,
                observation
                    .getValueSampledData()
                    .getPeriod()
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValue());
        finest = Math.min(finest, period);
      }
    }
    return finest == Long.MAX_VALUE ? DEFAULT_PERIOD_MS : finest;
  }

  private static SampledData sampled(Buckets buckets, Statistic statistic, String unit) {
    Quantity origin = new Quantity().setValue(0);
    if (unit != null) {
      origin.setUnit(unit).setSystem(SeriesObservations.UCUM).setCode(unit);
    }
    return new SampledData()
        .setOrigin(origin)
        .setPeriod(BigDecimal.valueOf(buckets.bucketMs()))
        .setDimensions(1)
        .setData(buckets.data(statistic));
  }

  private static String patientId(StringType patient) {
    if (patient == null || patient.isEmpty()) {
      throw new InvalidRequestException("patient is required, such as patient=Patient/123");
    }
    String value = patient.getValue();
    String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
    if (!ID.matcher(id).matches()) {
      throw new InvalidRequestException("patient must be a reference such as Patient/123");
    }
    return id;
  }

  /** {@code system|code}, or a LOINC code on its own. */
  private static String code(StringType code) {
    if (code == null || code.isEmpty() || code.getValue().isBlank()) {
      throw new InvalidRequestException("code is required, such as code=http://loinc.org|8867-4");
    }
    String value = code.getValue();
    if (value.contains(",") || value.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidRequestException("code must be one code, such as http://loinc.org|8867-4");
    }
    return value.contains("|") ? value : MeasurementLines.LOINC + "|" + value;
  }

  private static long time(String name, StringType value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException(
          name + " is required: an instant such as 2026-11-29T00:00:00Z, or a date");
    }
    String text = value.getValue();
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
          : OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          name + " must be an instant with its offset (2026-11-29T00:00:00Z) or a date");
    }
  }

  private static long bucketMs(String text) {
    long ms;
    try {
      ms = text.matches("[0-9]{1,12}") ? Long.parseLong(text) : Duration.parse(text).toMillis();
    } catch (DateTimeParseException e) {
      ms = -1;
    }
    if (ms <= 0) {
      throw new InvalidRequestException(
          "bucket must be a length in milliseconds or an ISO-8601 duration such as PT1M");
    }
    return ms;
  }

  private static String iso(long timeMs) {
    return java.time.Instant.ofEpochMilli(timeMs).toString();
  }
}
