package org.consentry.bench.fuzz;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests sent, by requester and status class, by generator and status class, and by status code.
 * Thread-safe.
 */
final class Tally {

  static final String[] CLASSES = {"2xx", "3xx", "4xx", "5xx", "none"};

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private final AtomicLong generatorErrors = new AtomicLong();

  void add(String requester, String kind, Response response) {
    String statusClass = response.statusClass();
    count("requester|" + requester + "|" + statusClass);
    count("kind|" + kind + "|" + statusClass);
    count("status|" + (response.answered() ? String.valueOf(response.status()) : "none"));
    total.increment();
  }

  /** A request re-sent while shrinking a finding: counted apart from the generated ones. */
  void replay() {
    replays.increment();
  }

  /** The generator threw (a fuzzer bug); returns how many times so far. */
  long generatorError() {
    return generatorErrors.incrementAndGet();
  }

  long generatorErrors() {
    return generatorErrors.get();
  }

  private void count(String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  long total() {
    return total.sum();
  }

  long replays() {
    return replays.sum();
  }

  /** {@code group} is requester, kind or status: name -> (class or code -> count), sorted. */
  Map<String, Map<String, Long>> table(String group) {
    Map<String, Map<String, Long>> table = new TreeMap<>();
    counts.forEach(
        (key, count) -> {
          String[] parts = key.split("\\|", -1);
          if (parts[0].equals(group)) {
            String row = parts.length == 3 ? parts[1] : "all";
            String column = parts.length == 3 ? parts[2] : parts[1];
            table.computeIfAbsent(row, r -> new TreeMap<>()).put(column, count.sum());
          }
        });
    return table;
  }

  long count(String group, String row, String column) {
    LongAdder adder = counts.get(group + "|" + row + "|" + column);
    return adder == null ? 0 : adder.sum();
  }
}
