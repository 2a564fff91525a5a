package org.consentry.cli.simulate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated wearable on one patient, second by second and deterministic for its seed:
 *
 * <ul>
 *   <li>heart rate (LOINC 8867-4, /min) every second: the patient's resting rate (55 to 80), a slow
 *       drift of up to 8/min either way, noise, and about once an hour an exercise bout of 2 to 12
 *       minutes that takes it to 125-160/min (one wearer in ten is in a bout when the run starts);
 *   <li>SpO2 (LOINC 59408-5, %) every 5 seconds (on multiples of 5 s): 95 to 100, around the
 *       patient's own level of 96.5-98.5, with a rare dip of 15-60 s to 86-89;
 *   <li>steps (LOINC 55423-8, {steps}) per minute, sent at the end of each minute of the clock: a
 *       brisk cadence during a bout, short walks otherwise, mostly none.
 * </ul>
 *
 * Each call of {@link #advance} continues where the previous one stopped, so the samples do not
 * depend on how a run is cut into requests.
 */
public final class Wearable {

  public static final String HEART_RATE = "8867-4";
  public static final String SPO2 = "59408-5";
  public static final String STEPS = "55423-8";

  static final long SPO2_PERIOD_S = 5;
  static final long STEPS_PERIOD_S = 60;

  private final String patient;
  private final String device;
  private final SplittableRandom random;
  private final int restingRate;
  private final double spo2Level;

  private long next;
  private double drift;
  private double boost;
  private int boutLeft;
  private int boutRate;
  private int walkLeft;
  private int dipLeft;
  private int dipLevel;
  private double steps;

  /**
   * @param seed the run's seed
   * @param index the wearable's number in the run: wearables of one seed differ by it
   * @param startEpochSecond the first second it measures
   */
  public Wearable(long seed, int index, String patient, String device, long startEpochSecond) {
    this.patient = patient;
    this.device = device;
    this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    this.restingRate = 55 + random.nextInt(26);
    this.spo2Level = 96.5 + 2 * random.nextDouble();
    this.next = startEpochSecond;
    if (random.nextInt(10) == 0) {
      // about one wearer in ten is already exercising when the run starts
      startBout();
      boost = boutRate - restingRate;
    }
  }

  public String patient() {
    return patient;
  }

  public String device() {
    return device;
  }

  /** Adds the samples of every second from where it stopped up to {@code endEpochSecond}. */
  public void advance(long endEpochSecond, List<Sample> into) {
    for (; next < endEpochSecond; next++) {
      second(next, into);
    }
  }

  private void second(long t, List<Sample> into) {
    if (boutLeft > 0) {
      boutLeft--;
    } else if (random.nextInt(3_600) == 0) {
      startBout();
    }
    double target = boutLeft > 0 ? boutRate - restingRate : 0;
    boost += (target - boost) / 20;
    drift = Math.max(-8, Math.min(8, drift - drift / 600 + 0.2 * random.nextGaussian()));
    long rate = Math.round(restingRate + drift + boost + 1.5 * random.nextGaussian());
    into.add(sample(HEART_RATE, "/min", t, Math.max(40, Math.min(190, rate)), 1));

    if (t % SPO2_PERIOD_S == 0) {
      into.add(sample(SPO2, "%", t, spo2(), SPO2_PERIOD_S));
    }

    if (walkLeft > 0) {
      walkLeft--;
    } else if (boutLeft == 0 && random.nextInt(300) == 0) {
      walkLeft = 30 + random.nextInt(151);
    }
    double cadence = boutLeft > 0 ? 2.4 : walkLeft > 0 ? 1.7 : 0;
    if (cadence > 0) {
      steps += Math.max(0, cadence + 0.2 * random.nextGaussian());
    }
    if (t % STEPS_PERIOD_S == STEPS_PERIOD_S - 1) {
      into.add(sample(STEPS, "{steps}", t - (STEPS_PERIOD_S - 1), Math.round(steps), 60));
      steps = 0;
    }
  }

  /** An exercise bout of 2 to 12 minutes at 125-160/min. */
  private void startBout() {
    boutLeft = 120 + random.nextInt(601);
    boutRate = 125 + random.nextInt(36);
  }

  private long spo2() {
    if (dipLeft > 0) {
      dipLeft -= (int) SPO2_PERIOD_S;
      return Math.min(89, dipLevel + Math.round(random.nextDouble() * 2 - 1));
    }
    if (random.nextInt(400) == 0) {
      dipLeft = 15 + random.nextInt(46) - (int) SPO2_PERIOD_S;
      dipLevel = 86 + random.nextInt(4);
      return dipLevel;
    }
    return Math.max(95, Math.min(100, Math.round(spo2Level + 0.6 * random.nextGaussian())));
  }

  private Sample sample(String code, String unit, long epochSecond, long value, long periodS) {
    return new Sample(patient, device, code, unit, epochSecond * 1000, value, periodS * 1000);
  }
}
