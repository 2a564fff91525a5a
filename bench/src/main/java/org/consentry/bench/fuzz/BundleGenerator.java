package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Transaction and batch Bundles posted to the system endpoint, made of entries of the sample
 * Bundles with broken parts: requests with odd methods and URLs, missing or duplicated fullUrls,
 * missing resources, resource types that disagree with the URL, circular and conditional
 * references, nested Bundles, many GET entries.
 */
final class BundleGenerator {

  private final Corpus corpus;
  private final QueryGenerator queries;

  BundleGenerator(Corpus corpus, QueryGenerator queries) {
    this.corpus = corpus;
    this.queries = queries;
  }

  FuzzRequest next(Dice dice, Requester requester) {
    ObjectNode bundle = JsonMutator.JSON.createObjectNode().put("resourceType", "Bundle");
    bundle.put(
        "type",
        dice.pickOf(
            "transaction",
            "transaction",
            "batch",
            "batch",
            "document",
            "message",
            "collection",
            "searchset",
            "history",
            "x",
            ""));
    ArrayNode entries = bundle.putArray("entry");
    int count = dice.chance(0.05) ? dice.pickOf(0, 200, 1000) : dice.between(1, 6);
    String lastFullUrl = null;
    for (int i = 0; i < count; i++) {
      ObjectNode entry = count > 50 ? readEntry(dice) : entry(dice, lastFullUrl);
      lastFullUrl = entry.path("fullUrl").asText(null);
      entries.add(entry);
    }
    byte[] body = dice.chance(0.4) ? JsonMutator.mutate(bundle, dice) : JsonMutator.bytes(bundle);
    String target =
        dice.chance(0.9)
            ? ""
            : dice.pickOf("/", "/Bundle", "/Patient", "?_format=json", "/$process-message");
    return new FuzzRequest("bundle", "POST", target, List.of(), body)
        .withHeader(
            "Content-Type",
            dice.chance(0.9) ? "application/fhir+json" : dice.pick(BodyGenerator.CONTENT_TYPES));
  }

  private ObjectNode readEntry(Dice dice) {
    ObjectNode entry = JsonMutator.JSON.createObjectNode();
    String type = dice.pick(corpus.types());
    entry
        .putObject("request")
        .put("method", "GET")
        .put("url", Encoding.sanitize(type + "?" + queries.query(type, dice)));
    return entry;
  }

  private ObjectNode entry(Dice dice, String previousFullUrl) {
    ObjectNode entry = corpus.bundleEntry(dice);
    ObjectNode request = object(entry, "request");
    String type = entry.path("resource").path("resourceType").asText("Patient");
    switch (dice.below(12)) {
      case 0 ->
          request.put(
              "method",
              dice.pickOf("GET", "HEAD", "PATCH", "DELETE", "PUT", "OPTIONS", "x", "", "post"));
      case 1 ->
          request.put(
              "url",
              dice.pickOf(
                  "",
                  "/",
                  type + "/",
                  type + "/" + Hostile.badId(dice),
                  "Foo",
                  "http://example.invalid/" + type,
                  "urn:uuid:x",
                  type + "?" + queries.param(type, dice),
                  "$everything",
                  type + "/_history",
                  "metadata",
                  "../" + type));
      case 2 -> entry.remove("request");
      case 3 -> entry.remove("resource");
      case 4 -> entry.put("fullUrl", previousFullUrl != null ? previousFullUrl : "urn:uuid:x");
      case 5 ->
          entry.put(
              "fullUrl",
              dice.pickOf(
                  "",
                  "urn:uuid:",
                  "urn:uuid:not-a-uuid",
                  "http://example.invalid/x",
                  "#",
                  "Patient/1",
                  Hostile.string(dice, 500)));
      case 6 -> object(entry, "resource").put("resourceType", dice.pick(corpus.types()));
      case 7 -> request.put("ifNoneExist", type + "?" + queries.param(type, dice));
      case 8 ->
          object(entry, "resource")
              .putObject("subject")
              .put(
                  "reference",
                  dice.pickOf(
                      previousFullUrl != null ? previousFullUrl : "urn:uuid:x",
                      "Patient?identifier=x",
                      "Patient?name=a&name=b",
                      "Patient?",
                      "urn:uuid:00000000-0000-0000-0000-000000000000",
                      "#",
                      "Patient/" + Hostile.badId(dice)));
      case 9 ->
          entry.set(
              "resource",
              JsonMutator.JSON
                  .createObjectNode()
                  .put("resourceType", "Bundle")
                  .put("type", "transaction")
                  .set("entry", JsonMutator.JSON.createArrayNode().add(corpus.bundleEntry(dice))));
      case 10 -> request.put("ifMatch", dice.pickOf("W/\"1\"", "x", "W/\"-1\"", "\"", ""));
      default -> {}
    }
    return entry;
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode child ? child : parent.putObject(name);
  }
}
