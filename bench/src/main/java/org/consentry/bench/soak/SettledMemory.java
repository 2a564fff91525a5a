package org.consentry.bench.soak;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each node's resident memory once its garbage has been collected: {@code jcmd PID GC.run} (a full
 * collection, after which G1 gives unused heap back to the system down to its free-ratio bounds), a
 * few seconds to settle, then {@code VmRSS}. Resident memory sampled while the load runs also holds
 * the heap G1 has committed for the current allocation rate, which follows the load rather than
 * what the process keeps; the settled figure is what a leak would grow.
 */
final class SettledMemory {

  private static final long SETTLE_MILLIS = 5_000;

  private SettledMemory() {}

  /**
   * The settled {@code VmRSS} in kB of each pid (-1 for a pid that is gone), or null if {@code
   * jcmd} could not be run for one of them (then only the unsettled figures are reported).
   */
  static long[] sample(List<Long> pids) {
    if (pids.isEmpty()) {
      return null;
    }
    for (long pid : pids) {
      if (!collect(pid)) {
        return null;
      }
    }
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    long[] kb = new long[pids.size()];
    for (int i = 0; i < kb.length; i++) {
      kb[i] = SoakSeries.rssKb(pids.get(i));
    }
    return kb;
  }

  private static boolean collect(long pid) {
    String jcmd = System.getProperty("java.home") + "/bin/jcmd";
    try {
      Process process =
          new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
