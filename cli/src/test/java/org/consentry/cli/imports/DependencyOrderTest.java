package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {

  /** The reference graph of data/synthea-10, read with the importer's own parser. */
  static Map<String, Set<String>> synthea10Graph() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.list(ImporterTest.SYNTHEA_10)) {
      for (Path file : files.filter(NdjsonFile::isNdjson).toList()) {
        NdjsonFile.forEachLine(
            file,
            (number, text) -> {
              try {
                ResourceLine line = ResourceJson.parseLine(file, number, text);
                graph
                    .computeIfAbsent(line.type(), t -> new TreeSet<>())
                    .addAll(line.referencedTypes());
              } catch (ResourceJson.MalformedException e) {
                throw new AssertionError(e.getMessage());
              }
            });
      }
    }
    return graph;
  }

  @Test
  void order_synthea10_putsEveryTypeAfterTheTypesItReferences() throws IOException {
    Map<String, Set<String>> graph = synthea10Graph();

    List<String> order = DependencyOrder.of(graph);

    assertThat(order).hasSize(24).containsExactlyInAnyOrderElementsOf(graph.keySet());
    graph.forEach(
        (type, referenced) ->
            referenced.stream()
                .filter(graph::containsKey)
                .filter(target -> !target.equals(type))
                .forEach(
                    target ->
                        assertThat(order.indexOf(target))
                            .as("%s references %s", type, target)
                            .isLessThan(order.indexOf(type))));
  }

  @Test
  void order_synthea10_matchesKnownEdges() throws IOException {
    Map<String, Set<String>> graph = synthea10Graph();
    assertThat(graph.get("Provenance"))
        .contains("Patient", "Observation", "ExplanationOfBenefit", "DiagnosticReport");
    assertThat(graph.get("ExplanationOfBenefit")).contains("Claim");
    assertThat(graph.get("DiagnosticReport")).contains("Observation");
    assertThat(graph.get("Encounter"))
        .as("conditional references count")
        .contains("Practitioner", "Location");

    List<String> order = DependencyOrder.of(graph);

    assertThat(order.get(order.size() - 1)).isEqualTo("Provenance");
    assertThat(order).containsSubsequence("Claim", "ExplanationOfBenefit");
    assertThat(order).containsSubsequence("Observation", "DiagnosticReport");
    assertThat(order).containsSubsequence("Patient", "Encounter", "Observation");
  }

  @Test
  void order_cycle_isBrokenAndEveryTypeStillAppearsOnce() {
    Map<String, Set<String>> graph =
        Map.of(
            "A", Set.of("B"),
            "B", Set.of("A", "C"),
            "C", Set.of(),
            "D", Set.of("A"));

    List<String> order = DependencyOrder.of(graph);

    assertThat(order).containsExactly("C", "A", "B", "D");
  }

  @Test
  void order_selfReferencesAndAbsentTypes_areIgnored() {
    Map<String, Set<String>> graph =
        Map.of(
            "Observation", Set.of("Observation", "Patient", "Practitioner"),
            "Patient", Set.of("Organization"));

    assertThat(DependencyOrder.of(graph)).containsExactly("Patient", "Observation");
  }
}
