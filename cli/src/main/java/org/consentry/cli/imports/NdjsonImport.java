package org.consentry.cli.imports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.consentry.cli.imports.TransactionLoader.Rejection;

/**
 * Loads bulk-data NDJSON in two passes over the files. The first reads every line to report the
 * malformed ones and to learn which types reference which; the second loads type by type in {@link
 * DependencyOrder}, streaming each file again so memory stays flat however large the input.
 *
 * <p>A resource the server rejects while something it may depend on is not in yet (its own type, a
 * later type on a cycle, or a deferred resource) is put aside and retried after the rest, in up to
 * {@value #MAX_RETRY_PASSES} passes that stop early once a pass loads nothing; only then does it
 * count as failed. Any other rejection fails at once.
 *
 * <p>The batches of one type go to the server {@link ImportOptions#parallel} at a time: a
 * transaction keeps about one server core busy, so on the 2-core machines measured here two in
 * flight load about 1.35 times as fast as one. A type's batches are made even, so that every slot
 * has one to the end ({@link #evenBatchSize}). Types still load one after another, so a type's
 * references are in before it is sent.
 */
final class NdjsonImport {

  static final int MAX_RETRY_PASSES = 5;

  /**
   * Fewer resources per slot than this go in one batch: a transaction's own cost would dominate.
   */
  static final int MIN_SPLIT = 50;

  private final TransactionLoader loader;
  private final ImportOptions options;
  private final ImportTally tally;
  private final Map<Path, Set<String>> typesByFile = new LinkedHashMap<>();
  private final Map<String, Set<String>> references = new TreeMap<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Set<String> incomplete = new HashSet<>();
  private List<Rejection> deferred = new ArrayList<>();

  NdjsonImport(TransactionLoader loader, ImportOptions options, ImportTally tally) {
    this.loader = loader;
    this.options = options;
    this.tally = tally;
  }

  /**
   * First pass: counts resources, reports malformed lines, learns the reference graph. A file
   * {@code found} in a folder whose first line is plainly not a resource, or an OperationOutcome,
   * is skipped whole (a Bulk Data export's log or error file).
   */
  void scan(List<Path> files, Set<Path> found) {
    for (Path file : files) {
      String notData = found.contains(file) ? notData(file) : null;
      if (notData != null) {
        tally.skipped(new SkippedFile(file, notData));
        continue;
      }
      Set<String> types = typesByFile.computeIfAbsent(file, f -> new TreeSet<>());
      NdjsonFile.forEachLine(
          file,
          (number, text) -> {
            tally.addToTotal(1);
            try {
              ResourceLine resource = ResourceJson.parseLine(file, number, text);
              types.add(resource.type());
              counts.merge(resource.type(), 1, Integer::sum);
              references
                  .computeIfAbsent(resource.type(), t -> new TreeSet<>())
                  .addAll(resource.referencedTypes());
            } catch (ResourceJson.MalformedException e) {
              tally.failed(e.type, 1, new ImportFailure(file + ":" + number, e.getMessage()));
            }
          });
    }
  }

  /** Why the file is not FHIR NDJSON, judged by its first line; null when it may be. */
  private static String notData(Path file) {
    String first = NdjsonFile.firstLine(file);
    if (first == null) {
      return null;
    }
    try {
      String reason = ResourceJson.notData(ResourceJson.parse(first));
      return reason == null ? null : reason + " (line 1)";
    } catch (ResourceJson.MalformedException e) {
      return null; // not JSON at all: reported line by line, as a damaged data file would be
    }
  }

  /** The order the types found by {@link #scan} will load in. */
  List<String> order() {
    return DependencyOrder.of(references);
  }

  /** Second pass: loads type by type, then retries what was deferred. */
  void load() {
    ExecutorService senders =
        Executors.newFixedThreadPool(
            options.parallel(),
            r -> {
              Thread thread = new Thread(r, "consentry-import");
              thread.setDaemon(true);
              return thread;
            });
    try {
      loadInOrder(new ConcurrentSends(senders, options.parallel()));
    } finally {
      senders.shutdownNow();
    }
  }

  private void loadInOrder(ConcurrentSends sends) {
    List<String> order = order();
    incomplete.addAll(order);
    for (List<String> level : levels(order)) {
      for (String type : level) {
        Batcher batcher =
            new Batcher(
                evenBatchSize(
                    counts.getOrDefault(type, 0), options.batchSize(), options.parallel()),
                options.maxBatchBytes(),
                batch -> sends.submit(() -> send(batch)));
        typesByFile.forEach(
            (file, types) -> {
              if (types.contains(type)) {
                NdjsonFile.forEachLine(
                    file,
                    (number, text) -> {
                      ResourceLine resource = parseQuietly(file, number, text);
                      if (resource != null && resource.type().equals(type)) {
                        batcher.add(resource);
                      }
                    });
              }
            });
        batcher.flush();
      }
      sends.awaitAll();
      incomplete.removeAll(level);
    }
    retryDeferred(order);
  }

  /**
   * The size of a type's batches with {@code parallel} in flight: at most {@code max}, and when the
   * type has at least {@value #MIN_SPLIT} resources per slot, as even as can be, their number a
   * multiple of {@code parallel}. At 500 and 2 in flight, 3,227 Observations go as 8 batches of 404
   * (4 rounds of 2), not 6 of 500 then one of 227 alone; 691 Claims as 2 of 346, not 500 then 191;
   * 445 Encounters as 2 of 223, not 1. Otherwise a type's last batch, or a type of one batch, keeps
   * one server core busy while the other slots wait for its level to end.
   */
  static int evenBatchSize(int resources, int max, int parallel) {
    if (parallel == 1 || resources < parallel * MIN_SPLIT) {
      return max;
    }
    int batches = ceilDiv(ceilDiv(resources, max), parallel) * parallel;
    return ceilDiv(resources, batches);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Groups the load order into levels whose types do not reference one another, so that a level's
   * batches can be in flight together: a type's level is one more than the highest level of the
   * types before it in the order that it references (references to later types, on a cycle, are
   * left to the deferral that handles cycles anyway).
   */
  List<List<String>> levels(List<String> order) {
    Map<String, Integer> levelOf = new HashMap<>();
    List<List<String>> levels = new ArrayList<>();
    for (String type : order) {
      int level = 0;
      for (String referenced : references.getOrDefault(type, Set.of())) {
        Integer before = levelOf.get(referenced);
        if (before != null) {
          level = Math.max(level, before + 1);
        }
      }
      levelOf.put(type, level);
      while (levels.size() <= level) {
        levels.add(new ArrayList<>());
      }
      levels.get(level).add(type);
    }
    return levels;
  }

  private void send(List<ResourceLine> batch) {
    List<Rejection> rejections = loader.load(batch, this::countLoaded);
    synchronized (this) {
      sort(rejections);
    }
  }

  private void sort(List<Rejection> rejections) {
    for (Rejection rejection : rejections) {
      if (mayDependOnPending(rejection.resource())) {
        deferred.add(rejection);
      } else {
        fail(rejection);
      }
    }
  }

  private boolean mayDependOnPending(ResourceLine resource) {
    for (String type : resource.referencedTypes()) {
      if (incomplete.contains(type)
          || deferred.stream().anyMatch(r -> r.resource().type().equals(type))) {
        return true;
      }
    }
    return false;
  }

  private void retryDeferred(List<String> order) {
    Comparator<Rejection> byTypeOrder =
        Comparator.comparingInt(r -> order.indexOf(r.resource().type()));
    for (int pass = 1; pass <= MAX_RETRY_PASSES && !deferred.isEmpty(); pass++) {
      List<Rejection> retry = new ArrayList<>(deferred);
      retry.sort(byTypeOrder);
      deferred = new ArrayList<>();
      long[] loadedThisPass = {0};
      Batcher batcher =
          new Batcher(
              options.batchSize(),
              options.maxBatchBytes(),
              batch ->
                  deferred.addAll(
                      loader.load(
                          batch,
                          loaded -> {
                            loadedThisPass[0] += loaded.size();
                            countLoaded(loaded);
                          })));
      retry.forEach(rejection -> batcher.add(rejection.resource()));
      batcher.flush();
      if (loadedThisPass[0] == 0) {
        break;
      }
    }
    List<Rejection> remaining = deferred;
    deferred = new ArrayList<>();
    remaining.sort(
        Comparator.comparing((Rejection r) -> r.resource().file())
            .thenComparingInt(r -> r.resource().line()));
    remaining.forEach(this::fail);
  }

  private void countLoaded(Collection<ResourceLine> loaded) {
    Map<String, Integer> byType = new TreeMap<>();
    loaded.forEach(resource -> byType.merge(resource.type(), 1, Integer::sum));
    byType.forEach(tally::loaded);
  }

  private void fail(Rejection rejection) {
    ResourceLine resource = rejection.resource();
    tally.failed(resource.type(), 1, new ImportFailure(resource.location(), rejection.reason()));
  }

  private static ResourceLine parseQuietly(Path file, int number, String text) {
    try {
      return ResourceJson.parseLine(file, number, text);
    } catch (ResourceJson.MalformedException e) {
      return null; // reported by scan()
    }
  }
}
