package org.consentry.server.devices.series;

/**
 * One measurement as a gateway sends it, checked: bare ids, a code, a UCUM unit, the time (epoch
 * milliseconds), a finite value and the device's sampling period.
 *
 * @param line the line of the request it came from (1-based), for error messages
 */
public record Measurement(
    int line,
    String patientId,
    String deviceId,
    String system,
    String code,
    String unit,
    long timeMs,
    long periodMs,
    double value) {

  /** The series and window this measurement belongs to. */
  public SeriesKey key() {
    return new SeriesKey(
        patientId,
        deviceId,
        system,
        code,
        unit,
        periodMs,
        Window.startOf(Window.onGrid(timeMs, periodMs)));
  }

  /** Its time on its series' grid. */
  public long gridTimeMs() {
    return Window.onGrid(timeMs, periodMs);
  }
}
