package org.consentry.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Labels the sample data and checks every resource against labels computed independently: from the
 * raw JSON (every system/code pair outside meta, found by Jackson, not by HAPI's model or the
 * module's readers) and the hand-written table sample-sensitive-codes.tsv (not the module's value
 * sets).
 */
class SampleDataLabelingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Map<String, Set<SensitivityCategory>> table;

  private final SensitivityLabeler labeler = Terminology.bundled().labeler();

  @BeforeAll
  static void readTable() throws IOException {
    table = new HashMap<>();
    try (InputStream in =
        SampleDataLabelingTest.class.getResourceAsStream("sample-sensitive-codes.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] columns = line.split("\t");
        table
            .computeIfAbsent(columns[0] + "|" + columns[1], key -> new TreeSet<>())
            .add(SensitivityCategory.valueOf(columns[2]));
      }
    }
  }

  @Test
  void synthea10_everyResourceGetsTheLabelsItsCodesCall_andTheCountsPerCategoryMatch()
      throws IOException {
    List<String> resources = SampleData.syntheaJson();

    Tally tally = label(resources);

    report("synthea-10", tally);
    assertThat(resources).hasSize(9022);
    assertThat(tally.mismatches).isEmpty();
    assertThat(tally.actual).isEqualTo(tally.expected);
    assertThat(tally.expected)
        .containsKeys(
            SensitivityCategory.PSY,
            SensitivityCategory.ETH,
            SensitivityCategory.SDV,
            SensitivityCategory.SEX);
  }

  @Test
  void sampleBundles_everyEntryGetsTheLabelsItsCodesCall_andTheCountsPerCategoryMatch()
      throws IOException {
    List<String> resources = new ArrayList<>();
    for (Path file : SampleData.files(SampleData.SAMPLE_BUNDLES, ".json")) {
      for (JsonNode entry : JSON.readTree(Files.readString(file)).path("entry")) {
        resources.add(JSON.writeValueAsString(entry.get("resource")));
      }
    }

    Tally tally = label(resources);

    report("sample-bundles", tally);
    assertThat(tally.mismatches).isEmpty();
    assertThat(tally.actual).isEqualTo(tally.expected);
    assertThat(tally.expected)
        .containsKeys(
            SensitivityCategory.SEX,
            SensitivityCategory.HIV,
            SensitivityCategory.STD,
            SensitivityCategory.GDIS);
  }

  private Tally label(List<String> resources) throws IOException {
    IParser parser = SampleData.parser();
    Tally tally = new Tally();
    for (String json : resources) {
      Set<SensitivityCategory> expected = new TreeSet<>();
      collectExpected(JSON.readTree(json), expected);
      Resource resource = (Resource) parser.parseResource(json);

      labeler.apply(resource);

      Set<String> actualLabels = new TreeSet<>();
      for (Coding label : resource.getMeta().getSecurity()) {
        actualLabels.add(label.getSystem() + "|" + label.getCode());
      }
      Set<String> expectedLabels = new TreeSet<>();
      expected.forEach(category -> expectedLabels.add(SensitivityCategory.SYSTEM + "|" + category));
      expectedLabels.add(Confidentiality.SYSTEM + "|" + (expected.isEmpty() ? "N" : "R"));
      if (!actualLabels.equals(expectedLabels)) {
        tally.mismatches.add(
            resource.fhirType()
                + "/"
                + resource.getIdPart()
                + ": expected "
                + expectedLabels
                + " but got "
                + actualLabels);
      }
      expected.forEach(category -> tally.expected.merge(category, 1, Integer::sum));
      labeler
          .categories(resource)
          .forEach(category -> tally.actual.merge(category, 1, Integer::sum));
      tally.restricted += expected.isEmpty() ? 0 : 1;
      tally.total++;
    }
    return tally;
  }

  /** Every object with a textual system and code, anywhere but in a resource's meta. */
  private static void collectExpected(JsonNode node, Set<SensitivityCategory> into) {
    if (node.isArray()) {
      node.forEach(child -> collectExpected(child, into));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    if (node.path("system").isTextual() && node.path("code").isTextual()) {
      into.addAll(
          table.getOrDefault(
              node.get("system").asText() + "|" + node.get("code").asText(), Set.of()));
    }
    boolean resource = node.has("resourceType");
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!(resource && field.getKey().equals("meta"))) {
        collectExpected(field.getValue(), into);
      }
    }
  }

  private static void report(String data, Tally tally) {
    System.out.println(
        "[labeling "
            + data
            + "] resources="
            + tally.total
            + " restricted="
            + tally.restricted
            + " per category="
            + tally.actual);
  }

  private static final class Tally {
    final Map<SensitivityCategory, Integer> expected = new EnumMap<>(SensitivityCategory.class);
    final Map<SensitivityCategory, Integer> actual = new EnumMap<>(SensitivityCategory.class);
    final List<String> mismatches = new ArrayList<>();
    int restricted;
    int total;
  }
}
