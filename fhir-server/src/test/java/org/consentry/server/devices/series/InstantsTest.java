package org.consentry.server.devices.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantsTest {

  @Test
  void theHandReadForm_agreesWithOffsetDateTime() {
    Random random = new Random(16);
    for (int i = 0; i < 20_000; i++) {
      long ms = random.nextLong(-62_000_000_000_000L, 250_000_000_000_000L);
      String whole = Instant.ofEpochMilli(ms).toString().replaceAll("(\\.[0-9]+)?Z$", "");
      int digits = random.nextInt(10);
      StringBuilder fraction = new StringBuilder(digits > 0 ? "." : "");
      for (int d = 0; d < digits; d++) {
        fraction.append(random.nextInt(10));
      }
      String text = whole + fraction + "Z";
      assertThat(Instants.epochMilli(text))
          .as(text)
          .isEqualTo(OffsetDateTime.parse(text).toInstant().toEpochMilli());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-29T04:00:00+01:00",
        "2026-11-29T04:00Z",
        "2026-11-29T04:00:00.123-05:30",
        "2024-02-29T23:59:59.999999999Z",
        "2026-11-29T04:00:00.Z"
      })
  void otherForms_areReadByOffsetDateTime(String text) {
    assertThat(Instants.epochMilli(text))
        .isEqualTo(OffsetDateTime.parse(text).toInstant().toEpochMilli());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T04:00:00Z",
        "2026-13-01T04:00:00Z",
        "2026-11-31T04:00:00Z",
        "2026-11-29T24:00:00Z",
        "2026-11-29T23:59:60Z",
        "2026-11-29T04:00:00.1234567890Z",
        "2026-11-29T04:00:00",
        "2026-11-29 04:00:00Z",
        "2026-1a-29T04:00:00Z",
        "yesterday"
      })
  void nonInstants_areRefused(String text) {
    assertThatThrownBy(() -> Instants.epochMilli(text)).isInstanceOf(DateTimeParseException.class);
  }
}
