package org.consentry.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.consentry.server.alerts.AlertProperties.Rule;
import org.consentry.server.alerts.Episodes.Run;
import org.consentry.server.alerts.Measurements.Point;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.junit.jupiter.api.Test;

class EpisodesTest {

  private static final long MINUTE = 60_000;
  private static final Rule TACHYCARDIA =
      new Rule(
          "tachycardia",
          null,
          List.of("http://loinc.org|8867-4"),
          120.0,
          null,
          "/min",
          Duration.ofMinutes(10),
          Duration.ofMinutes(2),
          null);
  private static final Rule LOW_SPO2 =
      new Rule(
          "low-spo2",
          null,
          List.of("http://loinc.org|59408-5"),
          null,
          90.0,
          "%",
          Duration.ZERO,
          Duration.ofMinutes(2),
          null);

  private static List<Point> everyMinute(double... values) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      points.add(new Point(i * MINUTE, values[i], "Observation/" + i));
    }
    return points;
  }

  @Test
  void aRunOfTenMinutesFires_nineDoesNot() {
    List<Run> ten =
        Episodes.of(
            TACHYCARDIA, everyMinute(121, 125, 130, 130, 130, 130, 130, 130, 130, 130, 122));
    assertThat(ten).hasSize(1);
    assertThat(ten.get(0).start()).isZero();
    assertThat(ten.get(0).end()).isEqualTo(10 * MINUTE);
    assertThat(ten.get(0).extreme()).isEqualTo(130);
    assertThat(
            Episodes.of(TACHYCARDIA, everyMinute(121, 125, 130, 130, 130, 130, 130, 130, 130, 130)))
        .isEmpty();
  }

  @Test
  void aValueInRangeOrALongGapBreaksTheRun() {
    assertThat(
            Episodes.of(
                TACHYCARDIA,
                everyMinute(130, 130, 130, 130, 130, 120, 130, 130, 130, 130, 130, 130)))
        .as("120 is not above 120")
        .isEmpty();
    List<Point> gap = everyMinute(130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 130);
    gap.remove(5);
    gap.remove(5);
    gap.remove(5); // minutes 5 to 7 missing: a 4-minute gap
    assertThat(Episodes.of(TACHYCARDIA, gap)).isEmpty();
  }

  @Test
  void twoEpisodes_areTwoRuns_andTheLatestValueSaysWhetherItCleared() {
    List<Point> points = everyMinute(130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 80);
    List<Point> later = everyMinute(130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 130);
    later.forEach(p -> points.add(new Point(p.time() + 60 * MINUTE, p.value(), p.source())));
    assertThat(Episodes.of(TACHYCARDIA, points)).hasSize(2);
    assertThat(Episodes.clearedAt(TACHYCARDIA, points)).isEqualTo(-1);
    assertThat(Episodes.clearedAt(TACHYCARDIA, everyMinute(130, 95))).isEqualTo(MINUTE);
  }

  @Test
  void anySingleValueFires_whenNothingNeedBeSustained() {
    assertThat(Episodes.of(LOW_SPO2, everyMinute(95, 87, 96))).hasSize(1);
    assertThat(Episodes.of(LOW_SPO2, everyMinute(95, 90, 96))).isEmpty();
  }

  @Test
  void sampledData_givesOnePointPerSample_skippingMissingOnes() {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.setEffective(new Period().setStart(new Date(1_000_000)));
    SampledData data = new SampledData();
    data.setOrigin(
        (SimpleQuantity) new SimpleQuantity().setValue(BigDecimal.valueOf(100)).setCode("/min"));
    data.setPeriod(1000);
    data.setFactor(2);
    data.setDimensions(1);
    data.setData("1 E 3 L U 5");
    obs.setValue(data);
    List<Point> points = Measurements.of(obs, "/min", "Observation/s");
    assertThat(points)
        .containsExactly(
            new Point(1_000_000, 102, "Observation/s"),
            new Point(1_002_000, 106, "Observation/s"),
            new Point(1_005_000, 110, "Observation/s"));
    assertThat(Measurements.of(obs, "%", "Observation/s")).as("another unit").isEmpty();
  }

  @Test
  void quantity_atItsEffectiveTime_andNoneWhenEnteredInError() {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.setEffective(new DateTimeType(new Date(5000)));
    obs.setValue(new Quantity(130).setCode("/min"));
    assertThat(Measurements.of(obs, "/min", "o")).containsExactly(new Point(5000, 130, "o"));
    obs.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(Measurements.of(obs, "/min", "o")).isEmpty();
  }

  @Test
  void badRules_stopTheServerWithAMessageThatNamesThem() {
    assertThatThrownBy(
            () -> new AlertProperties(true, List.of(rule("Bad Id", "a|b", 1.0, null)), 10))
        .hasMessageContaining("Bad Id");
    assertThatThrownBy(() -> new AlertProperties(true, List.of(rule("x", "8867-4", 1.0, null)), 10))
        .hasMessageContaining("system|code");
    assertThatThrownBy(() -> new AlertProperties(true, List.of(rule("x", "a|b", 1.0, 2.0)), 10))
        .hasMessageContaining("exactly one of above and below");
    assertThatThrownBy(
            () ->
                new AlertProperties(
                    true, List.of(rule("x", "a|b", 1.0, null), rule("x", "a|b", 1.0, null)), 10))
        .hasMessageContaining("twice");
  }

  private static Rule rule(String id, String code, Double above, Double below) {
    return new Rule(
        id, null, List.of(code), above, below, null, Duration.ZERO, Duration.ofMinutes(2), null);
  }
}
