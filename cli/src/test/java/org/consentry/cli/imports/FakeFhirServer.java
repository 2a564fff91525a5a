package org.consentry.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An in-memory FHIR server good enough for the importer: transactions are atomic, batches entry by
 * entry, and like the real server it enforces referential integrity (literal, urn:uuid and {@code
 * Type?identifier=system|value} references) and rejects {@code "status":"bogus"} as a parse error.
 */
/** Serialises requests, as one server node's transactions on the same rows would be. */
public final class FakeFhirServer implements FhirSender {

  private static final ObjectMapper JSON = new ObjectMapper();

  public final Map<String, JsonNode> store = new LinkedHashMap<>();
  public final List<List<String>> transactions = new ArrayList<>();
  public final List<Integer> bodySizes = new ArrayList<>();
  public int rejected;
  public int creates;
  public int updates;
  public int answerStatus = 200;

  @Override
  public synchronized FhirResponse get(String relativePath) {
    if (answerStatus != 200) {
      return outcome(answerStatus, "refused");
    }
    return new FhirResponse(200, "{\"resourceType\":\"CapabilityStatement\"}");
  }

  @Override
  public String baseUrl() {
    return "http://fake/fhir";
  }

  @Override
  public synchronized FhirResponse postBundle(String bundleJson) {
    if (answerStatus != 200) {
      return outcome(answerStatus, "refused");
    }
    bodySizes.add(bundleJson.length());
    JsonNode bundle = read(bundleJson);
    List<Staged> staged = new ArrayList<>();
    Map<String, String> urns = new HashMap<>();
    for (JsonNode entry : bundle.path("entry")) {
      JsonNode resource = entry.path("resource");
      String type = resource.path("resourceType").asText();
      String url = entry.path("request").path("url").asText();
      String key =
          url.contains("/")
              ? url
              : type + "/" + resource.path("id").asText(UUID.randomUUID().toString());
      urns.put(entry.path("fullUrl").asText("-"), key);
      staged.add(new Staged(key, resource));
    }
    transactions.add(staged.stream().map(Staged::key).toList());
    if (bundle.path("type").asText().equals("batch")) {
      return batch(staged, urns);
    }
    for (Staged s : staged) {
      String problem = problem(s, urns, staged);
      if (problem != null) {
        rejected++;
        return outcome(400, problem);
      }
    }
    staged.forEach(this::commit);
    return new FhirResponse(200, "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}");
  }

  private FhirResponse batch(List<Staged> staged, Map<String, String> urns) {
    ObjectNode response =
        JSON.createObjectNode().put("resourceType", "Bundle").put("type", "batch-response");
    ArrayNode entries = response.putArray("entry");
    for (Staged s : staged) {
      String problem = problem(s, urns, List.of(s));
      ObjectNode answer = entries.addObject().putObject("response");
      if (problem == null) {
        commit(s);
        answer.put("status", "201 Created");
      } else {
        answer.put("status", "400 Bad Request").set("outcome", read(outcome(400, problem).body()));
      }
    }
    return new FhirResponse(200, response.toString());
  }

  private String problem(Staged s, Map<String, String> urns, List<Staged> together) {
    if (s.resource().path("status").asText().equals("bogus")) {
      return "HAPI-0450: Failed to parse request body as JSON resource. Error was: HAPI-1821: [element=\"status\"] Invalid attribute value \"bogus\"";
    }
    for (String reference : references(s.resource(), new ArrayList<>())) {
      String target = urns.getOrDefault(reference, reference);
      if (target.startsWith("#") || resolves(target, together)) {
        continue;
      }
      return "HAPI-1094: Resource "
          + target
          + " not found, specified in path: "
          + s.key().split("/")[0];
    }
    return null;
  }

  private boolean resolves(String target, List<Staged> together) {
    if (store.containsKey(target) || together.stream().anyMatch(t -> t.key().equals(target))) {
      return true;
    }
    int query = target.indexOf("?identifier=");
    if (query < 0) {
      return false;
    }
    String type = target.substring(0, query);
    String[] identifier = target.substring(query + 12).split("\\|", 2);
    List<JsonNode> candidates = new ArrayList<>(store.values());
    together.forEach(t -> candidates.add(t.resource()));
    return candidates.stream()
        .filter(r -> r.path("resourceType").asText().equals(type))
        .flatMap(
            r ->
                r.path("identifier").findValues("value").stream()
                    .filter(v -> v.asText().equals(identifier[identifier.length - 1])))
        .findAny()
        .isPresent();
  }

  private static List<String> references(JsonNode node, List<String> into) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f -> {
                if (f.getKey().equals("reference")) {
                  into.add(f.getValue().asText());
                } else {
                  references(f.getValue(), into);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> references(child, into));
    }
    return into;
  }

  private void commit(Staged s) {
    if (store.put(s.key(), s.resource()) == null) {
      creates++;
    } else {
      updates++;
    }
  }

  public static FhirResponse outcome(int status, String diagnostics) {
    ObjectNode outcome = JSON.createObjectNode().put("resourceType", "OperationOutcome");
    outcome
        .putArray("issue")
        .addObject()
        .put("severity", "error")
        .put("code", "processing")
        .put("diagnostics", diagnostics);
    return new FhirResponse(status, outcome.toString());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("the importer sent invalid JSON", e);
    }
  }

  private record Staged(String key, JsonNode resource) {}
}
