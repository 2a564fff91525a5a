package org.consentry.server.devices.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.consentry.server.devices.series.Buckets.Statistic;
import org.junit.jupiter.api.Test;

class BucketsTest {

  private static final long T0 = 1_800_000_000_000L - 1_800_000_000_000L % Window.SPAN_MS;

  /** A day of 1 Hz samples, value = second of the day % 100. */
  private static Window[] day() {
    Window[] windows = new Window[24];
    for (int h = 0; h < 24; h++) {
      windows[h] = Window.empty(T0 + h * Window.SPAN_MS, 1000);
      for (int s = 0; s < 3600; s++) {
        long t = T0 + h * Window.SPAN_MS + s * 1000L;
        windows[h].put(t, (h * 3600 + s) % 100);
      }
    }
    return windows;
  }

  @Test
  void bucketsOfOnePeriod_giveBackEverySample() {
    Buckets buckets = new Buckets(T0, T0 + 86_400_000L, 1000);
    for (Window w : day()) {
      buckets.add(w);
    }
    String[] mean = buckets.data(Statistic.MEAN).split(" ");
    assertThat(mean).hasSize(86_400);
    for (int i = 0; i < mean.length; i++) {
      assertThat(mean[i]).isEqualTo(Integer.toString(i % 100));
    }
    assertThat(buckets.data(Statistic.MIN)).isEqualTo(buckets.data(Statistic.MEAN));
    assertThat(buckets.data(Statistic.MAX)).isEqualTo(buckets.data(Statistic.MEAN));
  }

  @Test
  void everyLevel_keepsTheCountsMinMaxAndMean() {
    for (long size : new long[] {10_000, 60_000, 300_000, 3_600_000, 86_400_000}) {
      Buckets buckets = new Buckets(T0, T0 + 86_400_000L, size);
      for (Window w : day()) {
        buckets.add(w);
      }
      int perBucket = (int) (size / 1000);
      String[] counts = buckets.data(Statistic.COUNT).split(" ");
      assertThat(counts).hasSize((int) (86_400_000L / size));
      assertThat(Arrays.stream(counts).mapToInt(Integer::parseInt).sum()).isEqualTo(86_400);
      assertThat(buckets.value(Statistic.COUNT, 0)).isEqualTo(perBucket);
      assertThat(buckets.value(Statistic.MIN, 0)).isEqualTo(0);
      assertThat(buckets.value(Statistic.MAX, 0)).isEqualTo(Math.min(99, perBucket - 1));
      double expectedMean = 0;
      for (int s = 0; s < perBucket; s++) {
        expectedMean += s % 100;
      }
      assertThat(buckets.value(Statistic.MEAN, 0)).isCloseTo(expectedMean / perBucket, within());
    }
  }

  @Test
  void emptyBuckets_areE_andCountZero_andSamplesOutsideAreLeftOut() {
    Buckets buckets = new Buckets(T0, T0 + 4000, 1000);
    buckets.add(T0 - 1, 5);
    buckets.add(T0 + 4000, 5);
    buckets.add(T0 + 1500, 7);
    assertThat(buckets.data(Statistic.COUNT)).isEqualTo("0 1 0 0");
    assertThat(buckets.data(Statistic.MEAN)).isEqualTo("E 7 E E");
  }

  @Test
  void sampledDataOfAnyForm_isReadWithOriginFactorAndLimits() {
    Buckets buckets = new Buckets(T0, T0 + 5000, 1000);
    buckets.addSampled(T0, 1000, 10, 0.5, "2 E U 4 L");
    assertThat(buckets.data(Statistic.MEAN)).isEqualTo("11 E E 12 E");
  }

  @Test
  void tooManyBuckets_orAnEmptyPeriod_areRefused() {
    assertThatThrownBy(() -> new Buckets(T0, T0 + 86_400_000L * 2, 1000))
        .hasMessageContaining("larger buckets");
    assertThatThrownBy(() -> new Buckets(T0, T0, 1000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
