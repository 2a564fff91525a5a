package org.consentry.bench.fuzz;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fuzz loop: {@code clients} workers, each with its own generator seeded from the run's seed
 * and its index, send one request at a time until the time is up or the request budget is spent.
 * Each answer is counted and judged; when the time is up, each distinct finding is shrunk to a
 * minimal reproducer.
 */
final class FuzzRun {

  /** What a run needs besides its collaborators: seed, workers, time, budget. */
  record Settings(long seed, int clients, long seconds, long maxRequests) {}

  private final Settings settings;
  private final Sender sender;
  private final List<Requester> requesters;
  private final Surface surface;
  private final Corpus corpus;
  private final URI base;
  private final Oracle oracle = new Oracle();
  private final Findings findings = new Findings();
  private final Tally tally = new Tally();
  private final Shrinker shrinker;
  private final int shrinkBudget;
  private double fuzzSeconds;
  private double shrinkSeconds;

  FuzzRun(
      Settings settings,
      Sender sender,
      List<Requester> requesters,
      Surface surface,
      Corpus corpus,
      URI base,
      int shrinkBudget) {
    this.settings = settings;
    this.sender = sender;
    this.requesters = List.copyOf(requesters);
    this.surface = surface;
    this.corpus = corpus;
    this.base = base;
    this.shrinkBudget = shrinkBudget;
    this.shrinker = new Shrinker(sender, oracle, tally, shrinkBudget);
  }

  Findings findings() {
    return findings;
  }

  Tally tally() {
    return tally;
  }

  double shrinkSecondsSpent() {
    return shrinkSeconds;
  }

  /**
   * Fuzzes until the time or the request budget is spent, then shrinks the findings; returns the
   * seconds spent fuzzing.
   */
  double run() {
    long start = System.nanoTime();
    long deadline = start + settings.seconds() * 1_000_000_000L;
    AtomicLong remaining = new AtomicLong(settings.maxRequests());
    XmlBodies xml = new XmlBodies();
    ExecutorService pool = Executors.newFixedThreadPool(settings.clients() + 1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < settings.clients(); i++) {
        Dice dice = new Dice(settings.seed() * 1_000_003L + i);
        RequestGenerator generator =
            new RequestGenerator(surface, corpus, xml, new PageLinks(base), dice);
        workers.add(pool.submit(() -> work(generator, deadline, remaining)));
      }
      Future<?> progress = pool.submit(() -> progress(start, deadline));
      await(workers);
      progress.cancel(true);
      fuzzSeconds = (System.nanoTime() - start) / 1e9;
      long shrinkStart = System.nanoTime();
      shrinkAll(pool);
      shrinkSeconds = (System.nanoTime() - shrinkStart) / 1e9;
    } finally {
      pool.shutdownNow();
    }
    return fuzzSeconds;
  }

  private void work(RequestGenerator generator, long deadline, AtomicLong remaining) {
    while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
      Requester requester = generator.requester(requesters);
      FuzzRequest request;
      try {
        request = generator.next(requester);
      } catch (RuntimeException | StackOverflowError e) {
        // a bug of the fuzzer, not of the server: say so once, count it, go on
        if (tally.generatorError() == 1) {
          System.err.println(
              "fuzz: the generator failed (counted in the report; the run goes on):");
          e.printStackTrace();
        }
        continue;
      }
      Response response;
      Oracle.Verdict verdict;
      try {
        response = sender.send(request, requester.token());
        tally.add(requester.name(), request.kind(), response);
        generator.pages().remember(response);
        if (!response.answered()) {
          findings.noAnswer(request, requester, response);
          continue;
        }
        verdict = oracle.judge(request, response);
      } catch (StackOverflowError | OutOfMemoryError e) {
        // the fuzzer's own limits, not the server's: its recursion on a deeply nested body or
        // answer, or its memory on a large answer read while the other workers held theirs (the
        // answer is garbage once this is thrown); say so once, count it, go on, so that the
        // report of the run is still written
        if (tally.generatorError() == 1) {
          System.err.println("fuzz: the fuzzer ran out of stack or memory (the run goes on):");
          e.printStackTrace();
        }
        continue;
      }
      if (verdict != null && findings.record(verdict, request, requester) != null) {
        System.out.printf(
            Locale.ROOT,
            "fuzz: finding %d: %s (%s)%n",
            findings.size(),
            Oracle.abbreviate(verdict.signature(), 140),
            request.shape());
      }
    }
  }

  /**
   * Shrinks every finding after the fuzzing, in parallel, within {@link #shrinkSeconds()}:
   * shrinking during the run would spend its time re-sending instead of exploring.
   */
  private void shrinkAll(ExecutorService pool) {
    List<Findings.Finding> all = findings.all();
    if (all.isEmpty() || shrinkBudget == 0) {
      return;
    }
    long shrinkDeadline = System.nanoTime() + shrinkSeconds() * 1_000_000_000L;
    System.out.printf(
        Locale.ROOT,
        "fuzz: shrinking %d findings (at most %d re-sends each, %d s in all)%n",
        all.size(),
        shrinkBudget,
        shrinkSeconds());
    List<Future<?>> jobs = new ArrayList<>();
    for (Findings.Finding finding : all) {
      jobs.add(
          pool.submit(
              () ->
                  findings.shrunk(
                      finding,
                      shrinker.shrink(
                          finding.first, finding.requester, finding.signature, shrinkDeadline))));
    }
    await(jobs);
  }

  long shrinkSeconds() {
    return Math.max(120, settings.seconds() / 2);
  }

  private static void await(List<Future<?>> futures) {
    try {
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FuzzException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof FuzzException f ? f : new FuzzException("a worker failed: " + cause);
    }
  }

  private void progress(long start, long deadline) {
    try {
      while (System.nanoTime() < deadline) {
        TimeUnit.SECONDS.sleep(30);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "fuzz: %.0f s, %d requests (%.1f/s), %d findings%n",
            seconds,
            tally.total(),
            tally.total() / seconds,
            findings.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
