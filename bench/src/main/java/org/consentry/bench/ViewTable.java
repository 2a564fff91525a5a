package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ViewTable FILE...}: the short table {@code bench/consent-view.sh} ends with, from the
 * result files of its populate, count and read runs (in any order): per count query and side the
 * count seen, requests/s, p50 and p99; per read run requests/s and p50/p99 per query; then the
 * ratios A/B (count) and consent on/off (read, means over the rounds), one read table per number of
 * clients and set of request kinds.
 */
public final class ViewTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ViewTable() {}

  public static void main(String[] args) throws IOException {
    List<JsonNode> read = new ArrayList<>();
    for (String file : args) {
      JsonNode result = JSON.readTree(Path.of(file).toFile());
      switch (result.path("kind").asText()) {
        case "populate" -> System.out.println("population: " + result.path("summary").asText());
        case "count" -> count(result);
        case "read" -> read.add(result);
        default -> System.out.println("(" + file + ": not a populate, count or read result)");
      }
    }
    // one table per group of read runs with the same clients and request kinds
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (JsonNode result : read) {
      List<String> kinds = new ArrayList<>();
      result.path("perQuery").fieldNames().forEachRemaining(kinds::add);
      groups
          .computeIfAbsent(result.path("clients").asInt() + " " + kinds, k -> new ArrayList<>())
          .add(result);
    }
    groups.values().forEach(ViewTable::read);
  }

  private static void count(JsonNode result) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "count (%s, %d client(s), %d rounds x %d s per side, ABBA)%n",
        result.path("label").asText(),
        result.path("clients").asInt(),
        result.path("rounds").asInt(),
        result.path("secondsPerPhase").asInt());
    System.out.printf(
        Locale.ROOT,
        "| %-60s | %-4s | %9s | %7s | %8s | %8s |%n",
        "query",
        "side",
        "count",
        "req/s",
        "p50 ms",
        "p99 ms");
    System.out.printf(
        Locale.ROOT,
        "|%s|%s|%s|%s|%s|%s|%n",
        "-".repeat(62),
        "-".repeat(6),
        "-".repeat(11),
        "-".repeat(9),
        "-".repeat(10),
        "-".repeat(10));
    for (Iterator<String> queries = result.path("a").path("perQuery").fieldNames();
        queries.hasNext(); ) {
      String query = queries.next();
      String shown = query.replace("%7C", "|");
      for (String side : List.of("a", "b")) {
        JsonNode q = result.path(side).path("perQuery").path(query);
        String count =
            q.path("count").canConvertToLong()
                ? String.format(Locale.ROOT, "%,d", q.path("count").asLong())
                : "none";
        System.out.printf(
            Locale.ROOT,
            "| %-60s | %-4s | %9s | %7.1f | %8.1f | %8.1f |%n",
            shown,
            side.toUpperCase(Locale.ROOT),
            count,
            q.path("requestsPerSecond").asDouble(),
            q.path("p50Ms").asDouble(),
            q.path("p99Ms").asDouble());
      }
    }
    result
        .path("refused")
        .fields()
        .forEachRemaining(
            refused ->
                System.out.println(
                    "left out (the server answered 400): "
                        + refused.getKey().replace("%7C", "|")
                        + ": "
                        + refused.getValue().asText()));
    JsonNode ratio = result.path("ratioAtoB");
    System.out.printf(
        Locale.ROOT,
        "A = %s, B = %s; all queries: A %.1f req/s, B %.1f req/s; A/B p50 %s, p99 %s, req/s %s%n",
        result.path("a").path("label").asText(),
        result.path("b").path("label").asText(),
        result.path("a").path("requestsPerSecond").asDouble(),
        result.path("b").path("requestsPerSecond").asDouble(),
        ratio.path("p50").asText(),
        ratio.path("p99").asText(),
        ratio.path("requestsPerSecond").asText());
  }

  private static void read(List<JsonNode> results) {
    List<String> queries = new ArrayList<>();
    results.get(0).path("perQuery").fieldNames().forEachRemaining(queries::add);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "read (%d client(s): %s)%n",
        results.get(0).path("clients").asInt(),
        String.join(", ", queries));
    int runWidth =
        results.stream().mapToInt(r -> r.path("label").asText().length()).max().orElse(3);
    StringBuilder head =
        new StringBuilder(
            String.format(Locale.ROOT, "| %-" + runWidth + "s | %7s |", "run", "req/s"));
    StringBuilder rule =
        new StringBuilder("|" + "-".repeat(runWidth + 2) + "|" + "-".repeat(9) + "|");
    for (String query : queries) {
      head.append(String.format(Locale.ROOT, " %-" + width(query) + "s |", query + " p50/p99 ms"));
      rule.append("-".repeat(width(query) + 2)).append('|');
    }
    System.out.println(head);
    System.out.println(rule);
    Map<String, List<JsonNode>> bySetting = new LinkedHashMap<>();
    for (JsonNode result : results) {
      String label = result.path("label").asText();
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "| %-" + runWidth + "s | %7.1f |",
                  label,
                  result.path("requestsPerSecond").asDouble()));
      for (String query : queries) {
        JsonNode q = result.path("perQuery").path(query);
        row.append(
            String.format(
                Locale.ROOT,
                " %" + width(query) + "s |",
                String.format(
                    Locale.ROOT,
                    "%.1f / %.1f",
                    q.path("p50Ms").asDouble(),
                    q.path("p99Ms").asDouble())));
      }
      System.out.println(row);
      bySetting
          .computeIfAbsent(label.replaceAll(" round \\d+$", ""), s -> new ArrayList<>())
          .add(result);
    }
    if (bySetting.size() == 2) {
      List<String> settings = new ArrayList<>(bySetting.keySet());
      List<JsonNode> first = bySetting.get(settings.get(0));
      List<JsonNode> second = bySetting.get(settings.get(1));
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s / %s (means over rounds): req/s %.2f",
                  settings.get(0),
                  settings.get(1),
                  mean(first, "requestsPerSecond", null)
                      / mean(second, "requestsPerSecond", null)));
      for (String query : queries) {
        line.append(
            String.format(
                Locale.ROOT,
                ", %s p50 %.2f",
                query,
                mean(first, "p50Ms", query) / mean(second, "p50Ms", query)));
      }
      System.out.println(line);
    }
  }

  private static int width(String query) {
    return (query + " p50/p99 ms").length();
  }

  private static double mean(List<JsonNode> results, String figure, String query) {
    return results.stream()
        .mapToDouble(
            r -> (query == null ? r : r.path("perQuery").path(query)).path(figure).asDouble())
        .average()
        .orElse(Double.NaN);
  }
}
