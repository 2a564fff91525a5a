package org.consentry.server.devices.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeasurementLinesTest {

  private static final String GOOD =
      "{\"patient\":\"Patient/p1\",\"device\":\"Device/d1\",\"code\":\"8867-4\",\"unit\":\"/min\","
          + "\"time\":\"2026-11-29T04:00:01+01:00\",\"value\":72}";

  private static List<Measurement> parse(String text) {
    return MeasurementLines.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLine_becomesAMeasurement_withDefaults() {
    List<Measurement> parsed = parse(GOOD + "\n\n" + GOOD.replace("72", "73.5") + "\n");
    assertThat(parsed).hasSize(2);
    Measurement m = parsed.get(0);
    assertThat(m.patientId()).isEqualTo("p1");
    assertThat(m.deviceId()).isEqualTo("d1");
    assertThat(m.system()).isEqualTo(MeasurementLines.LOINC);
    assertThat(m.periodMs()).isEqualTo(1000);
    assertThat(m.timeMs()).isEqualTo(Instant.parse("2026-11-29T03:00:01Z").toEpochMilli());
    assertThat(parsed.get(1).line()).isEqualTo(3);
    assertThat(parsed.get(1).value()).isEqualTo(73.5);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "not json; not a JSON object",
        "[1]; not a JSON object",
        "\"patient\":\"Patient/a b\"; patient must be a reference",
        "\"device\":null; device is missing",
        "\"code\":\"HR\"; is not a LOINC code",
        "\"unit\":\"\"; unit is missing",
        "\"time\":\"2026-11-29T04:00:00\"; time must be an instant",
        "\"time\":\"yesterday\"; time must be an instant",
        "\"value\":\"72\"; value must be a number",
        "\"period\":7000; period must be",
        "\"period\":1.5; period must be",
        "\"colour\":\"red\"; unknown field 'colour'",
      })
  void aBadLine_isNamed(String change, String message) {
    String line = change.startsWith("\"") ? withField(change) : change;
    assertThatThrownBy(() -> parse(GOOD + "\n" + line))
        .isInstanceOf(MeasurementLines.BadLine.class)
        .hasMessageStartingWith("line 2: ")
        .hasMessageContaining(message);
  }

  @Test
  void linesOfOneSeries_shareTheirStrings_andEachFieldIsCheckedForItself() {
    List<Measurement> parsed = parse(GOOD + "\n" + GOOD.replace("72", "80"));
    assertThat(parsed.get(1).patientId()).isSameAs(parsed.get(0).patientId());
    assertThat(parsed.get(1).deviceId()).isSameAs(parsed.get(0).deviceId());
    assertThat(parsed.get(1).key()).isEqualTo(parsed.get(0).key());
    String patientAsDevice = GOOD.replace("Device/d1", "Patient/p1");
    assertThatThrownBy(() -> parse(GOOD + "\n" + patientAsDevice))
        .hasMessage("line 2: device must be a reference such as Device/123");
    assertThatThrownBy(() -> parse(GOOD + " {}")).hasMessage("line 1: not a JSON object");
  }

  @Test
  void anEmptyBody_isRefused() {
    assertThatThrownBy(() -> parse("\n \n")).hasMessageContaining("no measurements");
  }

  /** GOOD with one field replaced (or added). */
  private static String withField(String field) {
    String name = field.substring(0, field.indexOf(':'));
    String replaced = GOOD.replaceAll(name + ":(\"[^\"]*\"|[0-9.]+)", field.replace("$", "\\$"));
    return replaced.equals(GOOD) ? GOOD.replace("}", "," + field + "}") : replaced;
  }
}
