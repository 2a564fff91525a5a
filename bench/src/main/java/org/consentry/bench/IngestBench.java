package org.consentry.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.consentry.cli.imports.ImportException;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;
import org.consentry.cli.imports.ServerUnavailableException;

/**
 * Ingest throughput in rounds: each round the importer loads the data folder in transaction Bundles
 * of 500 resources, the same path as {@code ./consentry import}, from a copy in which every id is
 * new for that round ({@link RoundData}), so every round inserts. The first {@code warmupRounds}
 * warm the server (JIT, caches, connection pool) and are reported but not counted; the headline
 * figure is the mean of the measured rounds' resources per second of wall time, scanning the files
 * included (making the copy is not).
 */
final class IngestBench {

  private IngestBench() {}

  static Map<String, Object> run(
      URI server, Path data, String token, int rounds, int warmupRounds) {
    ImportOptions options =
        ImportOptions.defaults()
            .withBatchSize(500)
            .withOnError(ImportOptions.OnError.SKIP)
            .withBearerToken(token);
    String salt = Long.toString(System.currentTimeMillis(), 36);
    RoundData source = RoundData.scan(data, salt);
    List<Map<String, Object>> perRound = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    ImportResult last = null;
    for (int round = 1; round <= warmupRounds + rounds; round++) {
      boolean warmup = round <= warmupRounds;
      last = loadRound(server, options, source, round);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("round", round);
      figures.put("warmup", warmup);
      figures.put("resources", last.loaded());
      figures.put("failed", last.failed());
      figures.put("seconds", last.elapsed().toMillis() / 1000.0);
      figures.put("resourcesPerSecond", round1(last.resourcesPerSecond()));
      perRound.add(figures);
      int r = round;
      last.failures().stream()
          .limit(10 - Math.min(10, failures.size()))
          .forEach(f -> failures.add("round " + r + ": " + f));
      System.out.printf(
          Locale.ROOT,
          "ingest round %d%s: %,d resources in %.1f s = %,.0f resources/s, %d failed%n",
          round,
          warmup ? " (warm-up)" : "",
          last.loaded(),
          last.elapsed().toMillis() / 1000.0,
          last.resourcesPerSecond(),
          last.failed());
    }
    Map<String, Object> figures = summarize(perRound);
    figures.put("data", data.toAbsolutePath().normalize().toString());
    figures.put("batchSize", options.batchSize());
    figures.put("rounds", rounds);
    figures.put("warmupRounds", warmupRounds);
    figures.put("idSalt", salt);
    figures.put("nonUuidTokensRewritten", source.otherTokens().size());
    figures.put("perRound", perRound);
    figures.put("loadedByType", last.loadedByType());
    figures.put("firstFailures", failures);
    System.out.println("ingest: " + figures.get("summary"));
    return figures;
  }

  private static ImportResult loadRound(
      URI server, ImportOptions options, RoundData source, int round) {
    Path copy = null;
    try {
      copy = Files.createTempDirectory("consentry-bench-round" + round + "-");
      source.write(round, copy);
      return new Importer(server, options).run(List.of(copy));
    } catch (IOException e) {
      throw new BenchException("cannot make a temporary folder: " + e.getMessage());
    } catch (ServerUnavailableException | ImportException e) {
      throw new BenchException("round " + round + ": " + e.getMessage());
    } finally {
      deleteQuietly(copy);
    }
  }

  /**
   * Headline figures: mean rate of the measured rounds; resources and seconds per measured round.
   */
  private static Map<String, Object> summarize(List<Map<String, Object>> perRound) {
    List<Map<String, Object>> measured =
        perRound.stream().filter(r -> !(Boolean) r.get("warmup")).toList();
    double mean =
        measured.stream()
            .mapToDouble(r -> (Double) r.get("resourcesPerSecond"))
            .average()
            .orElse(0);
    long failed = perRound.stream().mapToLong(r -> (Long) r.get("failed")).sum();
    StringBuilder rates = new StringBuilder();
    for (Map<String, Object> r : perRound) {
      rates
          .append(rates.length() == 0 ? "" : ", ")
          .append(Boolean.TRUE.equals(r.get("warmup")) ? "warm-up " : "")
          .append(String.format(Locale.ROOT, "%,.0f", (Double) r.get("resourcesPerSecond")));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("resourcesPerSecond", round1(mean));
    figures.put("resources", measured.isEmpty() ? 0L : measured.get(0).get("resources"));
    figures.put("failed", failed);
    figures.put(
        "seconds",
        round1(measured.stream().mapToDouble(r -> (Double) r.get("seconds")).average().orElse(0)));
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "%,.0f resources/s, mean of %d rounds of %,d resources after %d warm-up (per round: %s), %d failed",
            mean,
            measured.size(),
            (Long) figures.get("resources"),
            perRound.size() - measured.size(),
            rates,
            failed));
    return figures;
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static void deleteQuietly(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not delete " + folder + ": " + e.getMessage());
    }
  }
}
