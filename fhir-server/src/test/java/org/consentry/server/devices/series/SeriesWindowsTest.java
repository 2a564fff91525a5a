package org.consentry.server.devices.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesWindowsTest {

  private static final long HOUR = Window.SPAN_MS;
  private static final long T0 = Instant.parse("2026-11-29T04:00:00Z").toEpochMilli();

  private static Measurement at(long timeMs, double value) {
    return new Measurement(
        1, "p", "d", MeasurementLines.LOINC, "8867-4", "/min", timeMs, 1000, value);
  }

  @Test
  void outOfOrderAndLateMeasurements_landInTheirSlots_andTheOrderDoesNotMatter() {
    List<Measurement> inOrder = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      inOrder.add(at(T0 + i * 1000L, 60 + i % 40));
    }
    List<Measurement> shuffled = new ArrayList<>(inOrder);
    Collections.shuffle(shuffled, new Random(7));
    Window a = Window.empty(T0, 1000);
    Window b = Window.empty(T0, 1000);
    assertThat(SeriesBatch.merge(a, inOrder)).isTrue();
    assertThat(SeriesBatch.merge(b, shuffled.subList(0, 300))).isTrue();
    assertThat(SeriesBatch.merge(b, shuffled.subList(300, 600))).as("late half").isTrue();
    assertThat(b.data()).isEqualTo(a.data());
    assertThat(a.value(0)).isEqualTo(60);
    assertThat(a.value(599)).isEqualTo(60 + 599 % 40);
    assertThat(a.samples()).isEqualTo(600);
  }

  @Test
  void sendingAgain_changesNothing_andAnotherValueForTheSameTimeReplacesIt() {
    Window window = Window.empty(T0, 1000);
    List<Measurement> batch = List.of(at(T0 + 5000, 71), at(T0 + 7000, 72.5));
    assertThat(SeriesBatch.merge(window, batch)).isTrue();
    assertThat(SeriesBatch.merge(window, batch)).as("the same batch again").isFalse();
    assertThat(SeriesBatch.merge(window, List.of(at(T0 + 5000, 70), at(T0 + 5000, 71))))
        .as("a later line for the same slot wins; the result is what was stored")
        .isFalse();
    assertThat(SeriesBatch.merge(window, List.of(at(T0 + 5000, 75)))).isTrue();
    assertThat(window.value(5)).isEqualTo(75);
  }

  @Test
  void data_runsFromTheFirstSampleToTheLast_withEForGaps_andParsesBack() {
    Window window = Window.empty(T0, 1000);
    SeriesBatch.merge(window, List.of(at(T0 + 3000, 61), at(T0 + 6000, 97.25), at(T0 + 4000, -2)));
    assertThat(window.firstTimeMs()).isEqualTo(T0 + 3000);
    assertThat(window.lastTimeMs()).isEqualTo(T0 + 6000);
    assertThat(window.data()).isEqualTo("61 -2 E 97.25");
    Window parsed = Window.parse(T0, 1000, T0 + 3000, window.data());
    assertThat(parsed.sameSamples(window)).isTrue();
    assertThat(Window.empty(T0, 1000).data()).isEmpty();
  }

  @Test
  void times_arePlacedOnTheGrid_andWindowsAreAlignedHours() {
    Measurement early = at(T0 + HOUR - 400, 1); // rounds up to the next hour's first slot
    assertThat(early.gridTimeMs()).isEqualTo(T0 + HOUR);
    assertThat(early.key().windowStartMs()).isEqualTo(T0 + HOUR);
    Measurement late = at(T0 + 1499, 1);
    assertThat(late.gridTimeMs()).isEqualTo(T0 + 1000);
    Map<SeriesKey, List<Measurement>> grouped =
        SeriesBatch.group(List.of(at(T0, 1), at(T0 + HOUR, 2), at(T0 + 10, 3)));
    assertThat(grouped).hasSize(2);
    assertThat(grouped.keySet().iterator().next().observationId())
        .startsWith("ser-")
        .hasSize(52)
        .isNotEqualTo(at(T0 + HOUR, 2).key().observationId());
  }

  @Test
  void periods_mustFitTheHour() {
    assertThat(Window.validPeriod(1000)).isTrue();
    assertThat(Window.validPeriod(100)).isTrue();
    assertThat(Window.validPeriod(60_000)).isTrue();
    assertThat(Window.validPeriod(99)).isFalse();
    assertThat(Window.validPeriod(7000)).isFalse();
    assertThatThrownBy(() -> Window.empty(T0 + 1, 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Window.empty(T0, 1000).put(T0 + HOUR, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Window.parse(T0, 60_000, T0, "1 ".repeat(61)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
