package org.consentry.cli.simulate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.cli.imports.FhirResponse;
import org.consentry.cli.imports.Outcomes;
import org.consentry.cli.imports.ServerUnavailableException;

/**
 * Streams the wearables' samples in real time: every {@code interval} seconds each wearable's
 * samples of the seconds just past go to {@code $ingest-measurements}, {@value
 * #DEVICES_PER_REQUEST} wearables a request, {@value #THREADS} requests at a time. A request that
 * lags does not lose samples: the next one carries every second since. One progress line every 10
 * seconds; a failed request is one line on stderr (the first {@value #FAILURE_LINES}, then only
 * counted).
 */
public final class SimulationRun {

  static final int DEVICES_PER_REQUEST = 25;
  static final int THREADS = 4;
  static final int FAILURE_LINES = 20;
  static final long PROGRESS_MS = 10_000;

  /** How the run went. */
  public record Result(
      long startEpochSecond,
      long endEpochSecond,
      long measurements,
      long requests,
      long failedRequests,
      boolean stoppedEarly) {}

  private final FhirConnection fhir;
  private final List<Fleet.Member> members;
  private final long seed;
  private final PrintStream out;
  private final PrintStream err;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong measurements = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicInteger failureLines = new AtomicInteger();

  public SimulationRun(
      FhirConnection fhir,
      List<Fleet.Member> members,
      long seed,
      PrintStream out,
      PrintStream err) {
    this.fhir = fhir;
    this.members = members;
    this.seed = seed;
    this.out = out;
    this.err = err;
  }

  /** Ends the run early (Ctrl-C): what was measured until now is still sent. */
  public void stop() {
    stop.countDown();
  }

  /**
   * Runs for {@code seconds} (0: until {@link #stop}), sending every {@code interval} seconds.
   *
   * @throws InterruptedException if the calling thread is interrupted
   */
  public Result run(long seconds, long interval) throws InterruptedException {
    long start = System.currentTimeMillis() / 1000;
    long end = seconds > 0 ? start + seconds : Long.MAX_VALUE;
    List<Wearable> wearables = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Fleet.Member m = members.get(i);
      wearables.add(new Wearable(seed, i, m.patient(), m.device(), start));
    }
    ExecutorService senders = Executors.newFixedThreadPool(THREADS);
    Semaphore inFlight = new Semaphore(THREADS * 2);
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
    AtomicLong lastCount = new AtomicLong();
    progress.scheduleAtFixedRate(
        () -> {
          long now = measurements.get();
          long rate = (now - lastCount.getAndSet(now)) * 1000 / PROGRESS_MS;
          out.printf(
              "%6ds  %d devices  %,d measurements sent  %,d/s  %d failed requests%n",
              System.currentTimeMillis() / 1000 - start, members.size(), now, rate, failures.get());
        },
        PROGRESS_MS,
        PROGRESS_MS,
        TimeUnit.MILLISECONDS);
    boolean stoppedEarly = false;
    long sentUpTo = start;
    try {
      for (long tick = 1; sentUpTo < end; tick++) {
        long tickEnd = Math.min(end, start + tick * interval);
        long wait = tickEnd * 1000 - System.currentTimeMillis();
        if (wait > 0 && stop.await(wait, TimeUnit.MILLISECONDS)) {
          stoppedEarly = true;
          tickEnd = Math.max(sentUpTo, System.currentTimeMillis() / 1000);
        }
        for (Batch batch : Batch.next(wearables, tickEnd, DEVICES_PER_REQUEST)) {
          inFlight.acquire();
          senders.execute(
              () -> {
                try {
                  send(batch);
                } finally {
                  inFlight.release();
                }
              });
        }
        sentUpTo = tickEnd;
        if (stoppedEarly) {
          break;
        }
      }
    } finally {
      senders.shutdown();
      senders.awaitTermination(2, TimeUnit.MINUTES);
      progress.shutdownNow();
    }
    return new Result(
        start, sentUpTo, measurements.get(), requests.get(), failures.get(), stoppedEarly);
  }

  private void send(Batch batch) {
    requests.incrementAndGet();
    String problem;
    try {
      FhirResponse response = fhir.ingest(batch.body());
      if (response.isSuccess()) {
        measurements.addAndGet(batch.measurements());
        return;
      }
      problem = Outcomes.describe(response);
    } catch (ServerUnavailableException | FhirConnection.TokenUnavailable e) {
      problem = e.getMessage();
    } catch (RuntimeException e) {
      problem = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    failures.incrementAndGet();
    int line = failureLines.incrementAndGet();
    if (line <= FAILURE_LINES) {
      err.println(
          "consentry simulate: a batch of "
              + batch.measurements()
              + " measurements failed: "
              + problem);
    } else if (line == FAILURE_LINES + 1) {
      err.println("consentry simulate: more failures; counted, not shown");
    }
  }
}
