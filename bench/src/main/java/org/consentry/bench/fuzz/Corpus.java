package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample data the hostile requests start from: every resource id by type (the server holds them
 * after {@code consentry import}), up to {@value #SAMPLES_PER_TYPE} whole resources per type, and
 * entries of the sample transaction Bundles. Read once; the nodes are never changed (the generators
 * mutate deep copies), so workers share them.
 */
final class Corpus {

  static final int SAMPLES_PER_TYPE = 25;
  private static final int ENTRIES_PER_BUNDLE = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, List<String>> ids = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> samples = new LinkedHashMap<>();
  private final List<ObjectNode> bundleEntries = new ArrayList<>();

  static Corpus load(List<Path> paths) {
    Corpus corpus = new Corpus();
    try {
      for (Path path : paths) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (name.endsWith(".ndjson")) {
            corpus.addAll(
                Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank())
                    .map(Corpus::object)
                    .toList());
          } else if (name.endsWith(".json")) {
            corpus.addBundle(object(Files.readString(file)));
          }
        }
      }
    } catch (IOException e) {
      throw new FuzzException("cannot read the sample data: " + e.getMessage());
    }
    if (corpus.samples.isEmpty()) {
      throw new FuzzException("no FHIR resources in " + paths);
    }
    return corpus;
  }

  private static ObjectNode object(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node instanceof ObjectNode object ? object : JSON.createObjectNode();
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private void addAll(List<ObjectNode> resources) {
    int stride = Math.max(1, resources.size() / SAMPLES_PER_TYPE);
    for (int i = 0; i < resources.size(); i++) {
      add(resources.get(i), i % stride == 0);
    }
  }

  private void add(ObjectNode resource, boolean sample) {
    String type = resource.path("resourceType").asText("");
    if (type.isEmpty()) {
      return;
    }
    if (resource.hasNonNull("id")) {
      ids.computeIfAbsent(type, t -> new ArrayList<>()).add(resource.get("id").asText());
    }
    List<ObjectNode> kept = samples.computeIfAbsent(type, t -> new ArrayList<>());
    if (sample && kept.size() < SAMPLES_PER_TYPE) {
      kept.add(resource);
    }
  }

  private void addBundle(ObjectNode bundle) {
    JsonNode entries = bundle.path("entry");
    int stride = Math.max(1, entries.size() / ENTRIES_PER_BUNDLE);
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) instanceof ObjectNode entry
          && entry.get("resource") instanceof ObjectNode resource) {
        add(resource, i % stride == 0);
        if (i % stride == 0) {
          bundleEntries.add(entry);
        }
      }
    }
  }

  /** Types with sample resources, in the order first met. */
  List<String> types() {
    return List.copyOf(samples.keySet());
  }

  List<String> ids(String type) {
    return ids.getOrDefault(type, List.of());
  }

  /** A fresh copy of a sample resource of that type (any type if it has none). */
  ObjectNode sample(String type, Dice dice) {
    List<ObjectNode> kept = samples.get(type);
    if (kept == null || kept.isEmpty()) {
      kept = samples.get(dice.pick(types()));
    }
    return dice.pick(kept).deepCopy();
  }

  /**
   * A fresh copy of a transaction entry of the sample Bundles, or of a sample resource with a POST
   * request.
   */
  ObjectNode bundleEntry(Dice dice) {
    if (!bundleEntries.isEmpty()) {
      return dice.pick(bundleEntries).deepCopy();
    }
    ObjectNode resource = sample(dice.pick(types()), dice);
    ObjectNode entry = JSON.createObjectNode();
    entry.set("resource", resource);
    entry
        .putObject("request")
        .put("method", "POST")
        .put("url", resource.path("resourceType").asText());
    return entry;
  }

  /** An id that exists on the server: of this type if the data has one, else of any type. */
  String anyId(String type, Dice dice) {
    List<String> known = ids(type);
    if (known.isEmpty()) {
      known = ids(dice.pick(List.copyOf(ids.keySet())));
    }
    return dice.pick(known);
  }
}
