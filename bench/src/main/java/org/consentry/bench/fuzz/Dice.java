package org.consentry.bench.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The fuzzer's only source of randomness: seeded, so one seed always yields the same sequence of
 * generated requests (what the server answers may differ; what is sent does not).
 */
final class Dice {

  private final SplittableRandom random;

  Dice(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A number from 0 to {@code bound - 1}. */
  int below(int bound) {
    return random.nextInt(bound);
  }

  /** A number from {@code low} to {@code high}, both included. */
  int between(int low, int high) {
    return low + random.nextInt(high - low + 1);
  }

  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  long nextLong() {
    return random.nextLong();
  }

  <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  @SafeVarargs
  final <T> T pickOf(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** An index drawn in proportion to {@code weights}. */
  int weighted(int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int roll = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      roll -= weights[i];
      if (roll < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }
}
