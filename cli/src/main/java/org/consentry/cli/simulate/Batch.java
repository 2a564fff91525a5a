package org.consentry.cli.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * One request to {@code $ingest-measurements}: the NDJSON of a few wearables' samples of the same
 * seconds (a gateway that forwards several devices).
 *
 * @param body NDJSON, one measurement a line
 * @param measurements how many lines it holds
 */
public record Batch(String body, int measurements) {

  /**
   * Advances every wearable to {@code endEpochSecond} and groups their new samples into requests of
   * at most {@code devicesPerRequest} wearables each, in order; a wearable's samples are never
   * split between requests. Wearables with nothing new add nothing.
   */
  public static List<Batch> next(
      List<Wearable> wearables, long endEpochSecond, int devicesPerRequest) {
    if (devicesPerRequest < 1) {
      throw new IllegalArgumentException("devicesPerRequest must be at least 1");
    }
    List<Batch> batches = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < wearables.size(); i++) {
      wearables.get(i).advance(endEpochSecond, samples);
      if ((i + 1) % devicesPerRequest == 0 || i == wearables.size() - 1) {
        if (!samples.isEmpty()) {
          StringBuilder body = new StringBuilder(samples.size() * 150);
          samples.forEach(s -> body.append(s.line()).append('\n'));
          batches.add(new Batch(body.toString(), samples.size()));
        }
        samples.clear();
      }
    }
    return batches;
  }
}
