package org.consentry.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import org.consentry.server.alerts.Measurements.Point;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;

class MeasurementsTest {

  private static Observation series(String data, int dimensions) {
    Observation observation = new Observation();
    observation.setEffective(new Period().setStart(new Date(10_000)));
    observation.setValue(
        new SampledData()
            .setOrigin(new Quantity().setValue(100).setCode("/min"))
            .setFactor(2)
            .setPeriod(BigDecimal.valueOf(1000))
            .setDimensions(dimensions)
            .setData(data));
    return observation;
  }

  @Test
  void aSeries_givesOnePointPerNumericSample_atItsTime() {
    List<Point> points = Measurements.of(series(" 1 E  2\t3 L U 4.5 ", 1), "/min", "Observation/s");
    assertThat(points)
        .containsExactly(
            new Point(10_000, 102, "Observation/s"),
            new Point(12_000, 104, "Observation/s"),
            new Point(13_000, 106, "Observation/s"),
            new Point(16_000, 109, "Observation/s"));
    assertThat(Measurements.of(series("1 2", 1), "%", "Observation/s")).isEmpty();
  }

  @Test
  void severalDimensions_giveTheFirstOfEachWholeSample() {
    List<Point> points = Measurements.of(series("1 7 E 8 3 9 5", 2), "", "Observation/s");
    assertThat(points)
        .containsExactly(
            new Point(10_000, 102, "Observation/s"), new Point(12_000, 106, "Observation/s"));
  }

  @Test
  void count_countsTheValues() {
    assertThat(Measurements.count("")).isZero();
    assertThat(Measurements.count("  ")).isZero();
    assertThat(Measurements.count(" 1 E\n2  ")).isEqualTo(3);
  }
}
