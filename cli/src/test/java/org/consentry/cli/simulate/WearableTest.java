package org.consentry.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WearableTest {

  /** 2026-11-29T08:00:00Z: a whole minute. */
  static final long START = 1_795_939_200L;

  static List<Sample> samples(long seed, int index, long seconds, int chunk) {
    Wearable wearable = new Wearable(seed, index, "p" + index, "d" + index, START);
    List<Sample> samples = new ArrayList<>();
    for (long t = START + chunk; t < START + seconds + chunk; t += chunk) {
      wearable.advance(Math.min(t, START + seconds), samples);
    }
    return samples;
  }

  static List<Sample> of(List<Sample> samples, String code) {
    return samples.stream().filter(s -> s.code().equals(code)).toList();
  }

  @Test
  void sameSeed_sameSamples_howeverTheRunIsCut_otherSeedOrDevice_otherValues() {
    List<Sample> inFives = samples(7, 3, 3_600, 5);

    assertThat(samples(7, 3, 3_600, 7)).isEqualTo(inFives);
    assertThat(samples(7, 3, 3_600, 3_600)).isEqualTo(inFives);
    assertThat(of(samples(8, 3, 3_600, 5), Wearable.HEART_RATE))
        .isNotEqualTo(of(inFives, Wearable.HEART_RATE));
    assertThat(of(samples(7, 4, 3_600, 5), Wearable.HEART_RATE))
        .isNotEqualTo(of(inFives, Wearable.HEART_RATE));
  }

  @Test
  void heartRate_exactlyOneSampleEverySecond() {
    List<Sample> rates = of(samples(1, 0, 600, 5), Wearable.HEART_RATE);

    assertThat(rates).hasSize(600);
    for (int i = 0; i < rates.size(); i++) {
      assertThat(rates.get(i).epochMillis()).isEqualTo((START + i) * 1000);
      assertThat(rates.get(i).periodMs()).isEqualTo(1000);
      assertThat(rates.get(i).unit()).isEqualTo("/min");
      assertThat(rates.get(i).device()).isEqualTo("d0");
      assertThat(rates.get(i).patient()).isEqualTo("p0");
    }
  }

  @Test
  void heartRate_physiological_restingMostly_exerciseBoutsAbove120() {
    List<Long> all = new ArrayList<>();
    for (int device = 0; device < 20; device++) {
      List<Long> rates =
          of(samples(42, device, 6 * 3_600, 5), Wearable.HEART_RATE).stream()
              .map(Sample::value)
              .toList();
      long median = rates.stream().sorted().toList().get(rates.size() / 2);
      assertThat(median).as("device %d's typical rate", device).isBetween(50L, 95L);
      for (int i = 1; i < rates.size(); i++) {
        assertThat(Math.abs(rates.get(i) - rates.get(i - 1)))
            .as("a second's change")
            .isLessThan(20);
      }
      all.addAll(rates);
    }
    assertThat(all).allSatisfy(r -> assertThat(r).isBetween(40L, 190L));
    long exercising = all.stream().filter(r -> r > 120).count();
    assertThat(exercising).as("seconds above 120/min").isPositive();
    assertThat(exercising).isLessThan(all.size() / 4);
  }

  @Test
  void spo2_everyFiveSeconds_around96to99_rareDipsUnder90() {
    List<Sample> all = new ArrayList<>();
    for (int device = 0; device < 20; device++) {
      List<Sample> spo2 = of(samples(42, device, 6 * 3_600, 5), Wearable.SPO2);
      assertThat(spo2).hasSize(6 * 3_600 / 5);
      for (int i = 0; i < spo2.size(); i++) {
        assertThat(spo2.get(i).epochMillis()).isEqualTo((START + 5L * i) * 1000);
        assertThat(spo2.get(i).periodMs()).isEqualTo(5000);
      }
      all.addAll(spo2);
    }
    assertThat(all).allSatisfy(s -> assertThat(s.value()).isBetween(80L, 100L));
    long dips = all.stream().filter(s -> s.value() < 90).count();
    long usual = all.stream().filter(s -> s.value() >= 95 && s.value() <= 100).count();
    assertThat(dips).isPositive();
    assertThat(usual).isGreaterThan(all.size() * 9 / 10);
  }

  @Test
  void steps_onePerMinuteAtTheMinute_countsOfThatMinute() {
    List<Sample> steps = of(samples(42, 1, 6 * 3_600, 5), Wearable.STEPS);

    assertThat(steps).hasSize(6 * 60);
    for (int i = 0; i < steps.size(); i++) {
      assertThat(steps.get(i).epochMillis()).isEqualTo((START + 60L * i) * 1000);
      assertThat(steps.get(i).periodMs()).isEqualTo(60_000);
      assertThat(steps.get(i).value()).isBetween(0L, 200L);
    }
    Map<Boolean, Long> walking =
        steps.stream()
            .collect(Collectors.partitioningBy(s -> s.value() > 0, Collectors.counting()));
    assertThat(walking.get(true)).isPositive();
    assertThat(walking.get(false)).isPositive();
  }

  @Test
  void line_isTheIngestFormat() {
    Sample rate = new Sample("p1", "d1", "8867-4", "/min", START * 1000, 72, 1000);
    Sample spo2 = new Sample("p1", "d1", "59408-5", "%", START * 1000, 97, 5000);

    assertThat(rate.line())
        .isEqualTo(
            "{\"patient\":\"Patient/p1\",\"device\":\"Device/d1\",\"code\":\"8867-4\","
                + "\"unit\":\"/min\",\"time\":\"2026-11-29T08:00:00Z\",\"value\":72}");
    assertThat(spo2.line()).endsWith("\"value\":97,\"period\":5000}");
  }
}
