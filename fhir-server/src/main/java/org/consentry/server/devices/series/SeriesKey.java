package org.consentry.server.devices.series;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One window of one series: whose, from which device, which code and unit, at which sampling
 * period, starting when. Its stored Observation has an id derived from all of these ({@link
 * #observationId}), so a window is found by id and written by id, whichever batch brings it.
 */
public record SeriesKey(
    String patientId,
    String deviceId,
    String system,
    String code,
    String unit,
    long periodMs,
    long windowStartMs) {

  /**
   * The id of the window's Observation: {@code ser-} and a SHA-256 of the key (opaque: it names
   * neither the patient nor the device).
   */
  public String observationId() {
    String text =
        String.join(
            "\n",
            patientId,
            deviceId,
            system,
            code,
            unit,
            Long.toString(periodMs),
            Long.toString(windowStartMs));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "ser-" + HexFormat.of().formatHex(hash, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }
}
