package org.consentry.cli.simulate;

import java.time.Instant;

/**
 * One measurement of a simulated wearable, as a line of {@code $ingest-measurements}.
 *
 * @param patient the patient's id
 * @param device the device's id
 * @param code a LOINC code
 * @param unit a UCUM unit
 * @param epochMillis when it was measured
 * @param value a whole number (heart rate, SpO2 and steps all are)
 * @param periodMs the device's sampling period of this code
 */
public record Sample(
    String patient,
    String device,
    String code,
    String unit,
    long epochMillis,
    long value,
    long periodMs) {

  /** The NDJSON line ({@code period} only when it is not the default 1000 ms). */
  public String line() {
    StringBuilder out = new StringBuilder(160);
    out.append("{\"patient\":\"Patient/")
        .append(patient)
        .append("\",\"device\":\"Device/")
        .append(device)
        .append("\",\"code\":\"")
        .append(code)
        .append("\",\"unit\":\"")
        .append(unit)
        .append("\",\"time\":\"")
        .append(Instant.ofEpochMilli(epochMillis))
        .append("\",\"value\":")
        .append(value);
    if (periodMs != 1000) {
      out.append(",\"period\":").append(periodMs);
    }
    return out.append('}').toString();
  }
}
