package org.consentry.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads transaction and batch Bundle files, each as one request after {@link BundleRewriter} made
 * it idempotent. Bundles without a Patient (shared reference data such as Synthea's {@code
 * hospitalInformation*.json}) load in the first round, the others in the second, because patient
 * bundles reference that data. A transaction is all or nothing: when the server rejects one, {@link
 * EntryLocator} names the entry to blame and nothing of that file is loaded. A batch is entry by
 * entry: each failed entry is reported with its index.
 */
final class BundleImport {

  /** A bundle file found loadable by {@link #scan}. */
  private record BundleFile(Path path, boolean referenceOnly, Map<String, Long> resourcesByType) {}

  private final FhirSender sender;
  private final ImportTally tally;
  private final List<BundleFile> files = new ArrayList<>();

  BundleImport(FhirSender sender, ImportTally tally) {
    this.sender = sender;
    this.tally = tally;
  }

  /**
   * Reads each file once: reports the ones that are not a transaction or batch Bundle, counts the
   * rest.
   */
  void scan(List<Path> paths, Set<Path> found) {
    for (Path path : paths) {
      JsonNode bundle = read(path, found.contains(path));
      if (bundle == null) {
        continue;
      }
      Map<String, Long> byType = new TreeMap<>();
      for (JsonNode entry : bundle.path("entry")) {
        String type = entry.path("resource").path("resourceType").asText("");
        if (!type.isEmpty()) {
          byType.merge(type, 1L, Long::sum);
        }
      }
      tally.addToTotal(byType.values().stream().mapToLong(Long::longValue).sum());
      files.add(new BundleFile(path, !byType.containsKey("Patient"), byType));
    }
  }

  /** Loads the scanned bundles of one round: reference data ({@code true}) or the rest. */
  void load(boolean referenceOnly) {
    for (BundleFile file : files) {
      if (file.referenceOnly() == referenceOnly) {
        load(file);
      }
    }
  }

  private void load(BundleFile file) {
    JsonNode bundle = read(file.path(), false);
    if (bundle == null) {
      return;
    }
    BundleRewriter.makeIdempotent((ObjectNode) bundle);
    FhirResponse response = sender.postBundle(bundle.toString());
    TransactionLoader.refuseIfUnauthorized(sender, response);
    if (!response.isSuccess()) {
      String diagnostics = Outcomes.describe(response);
      EntryLocator.Located blamed = EntryLocator.locate(bundle, diagnostics);
      String location =
          file.path() + (blamed == null ? "" : " Bundle.entry[" + blamed.index() + "]");
      String reason =
          (blamed == null ? "bundle" : blamed.label())
              + " rejected by the server ("
              + diagnostics
              + "); nothing from this file was loaded";
      tally.failed(file.resourcesByType(), new ImportFailure(location, reason));
    } else if (bundle.path("type").asText().equals("batch")) {
      countBatchResponse(file, bundle, response);
    } else {
      file.resourcesByType().forEach(tally::loaded);
    }
  }

  private void countBatchResponse(BundleFile file, JsonNode bundle, FhirResponse response) {
    JsonNode answers = parse(response.body()).path("entry");
    JsonNode entries = bundle.path("entry");
    for (int i = 0; i < entries.size(); i++) {
      String type = entries.get(i).path("resource").path("resourceType").asText("");
      if (type.isEmpty()) {
        continue;
      }
      JsonNode answer = answers.path(i).path("response");
      String status = answer.path("status").asText("");
      if (status.startsWith("2")) {
        tally.loaded(type, 1);
      } else {
        String why =
            answer.has("outcome")
                ? Outcomes.diagnostics(answer.path("outcome"))
                : "no answer for this entry";
        tally.failed(
            type,
            1,
            new ImportFailure(
                file.path() + " Bundle.entry[" + i + "]",
                EntryLocator.label(entries.get(i))
                    + " rejected by the server ("
                    + status
                    + ": "
                    + why
                    + ")"));
      }
    }
  }

  /**
   * The file's Bundle, or null after reporting why it is not a transaction or batch Bundle; a file
   * {@code found} in a folder that is not FHIR data at all (a manifest, an OperationOutcome) is
   * skipped instead.
   */
  private JsonNode read(Path path, boolean found) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ImportException("cannot read " + path + ": " + e.getMessage());
    }
    String problem;
    JsonNode node = null;
    try {
      node = ResourceJson.parse(text.startsWith("\uFEFF") ? text.substring(1) : text);
      String type = node.path("type").asText("");
      String notData = found ? ResourceJson.notData(node) : null;
      if (notData != null) {
        tally.skipped(new SkippedFile(path, notData));
        return null;
      }
      if (!node.path("resourceType").asText("").equals("Bundle")) {
        problem =
            "not a FHIR Bundle (resourceType " + node.path("resourceType").asText("missing") + ")";
      } else if (!type.equals("transaction") && !type.equals("batch")) {
        problem =
            "a Bundle of type \"" + type + "\"; only transaction and batch Bundles can be loaded";
      } else {
        return node;
      }
    } catch (ResourceJson.MalformedException e) {
      problem = e.getMessage();
    }
    tally.addToTotal(1);
    tally.failed(ImportTally.UNREADABLE, 1, new ImportFailure(path.toString(), problem));
    return null;
  }

  private static JsonNode parse(String json) {
    try {
      return ResourceJson.parse(json);
    } catch (ResourceJson.MalformedException e) {
      return ResourceJson.MAPPER.createObjectNode();
    }
  }
}
