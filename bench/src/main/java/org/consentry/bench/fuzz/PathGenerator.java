package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Every HTTP method on every path shape: system, type, instance, version, {@code _history}, {@code
 * _search}, compartments, operations at system, type and instance level (those the
 * CapabilityStatement names, and some it does not), and paths that are not FHIR at all; operations
 * get Parameters bodies with random parameters.
 */
final class PathGenerator {

  static final List<String> METHODS =
      List.of(
          "GET",
          "GET",
          "GET",
          "POST",
          "POST",
          "PUT",
          "DELETE",
          "PATCH",
          "HEAD",
          "OPTIONS",
          "TRACE",
          "PROPFIND",
          "FOO",
          "get",
          "CONNECT");

  /** Operations a HAPI server might have, whether or not this one lists them. */
  private static final List<String> UNLISTED_OPERATIONS =
      List.of(
          "graphql",
          "process-message",
          "diff",
          "match",
          "snapshot",
          "apply",
          "docref",
          "binary-access-read",
          "binary-access-write",
          "trigger-subscription",
          "import",
          "convert",
          "closure",
          "populate",
          "evaluate-measure",
          "x",
          "",
          "$everything",
          "everything ",
          "EVERYTHING");

  /**
   * Operations that start server-wide jobs: sent rarely, so that the run fuzzes rather than
   * re-encrypts.
   */
  private static final List<String> HEAVY =
      List.of(
          "relabel",
          "rotate-keys",
          "rotate-data-keys",
          "perform-reindexing-pass",
          "mark-all-resources-for-reindexing",
          "expunge",
          "reindex-terminology",
          "erase");

  private static final List<String> PARAMETER_NAMES =
      List.of(
          "resource",
          "actor",
          "purpose",
          "_type",
          "_since",
          "_outputFormat",
          "_typeFilter",
          "url",
          "system",
          "code",
          "codeA",
          "codeB",
          "filter",
          "count",
          "offset",
          "meta",
          "mode",
          "profile",
          "patient",
          "valueSet",
          "coding",
          "version",
          "x",
          "",
          "return",
          "_count",
          "includeAssociatedData",
          "limit",
          "jobId");

  private final Surface surface;
  private final Corpus corpus;
  private final QueryGenerator queries;
  private final BodyGenerator bodies;

  PathGenerator(Surface surface, Corpus corpus, QueryGenerator queries, BodyGenerator bodies) {
    this.surface = surface;
    this.corpus = corpus;
    this.queries = queries;
    this.bodies = bodies;
  }

  FuzzRequest next(Dice dice, Requester requester) {
    String type = queries.type(dice);
    String id =
        requester.patientId() != null && type.equals("Patient") && dice.chance(0.5)
            ? requester.patientId()
            : Hostile.id(dice, corpus, type);
    String instance = "/" + type + "/" + Encoding.usual(id);
    String operation = operation(type, dice);
    String path =
        switch (dice.below(16)) {
          case 0 -> "";
          case 1 -> "/";
          case 2 -> "/" + type;
          case 3 -> instance;
          case 4 -> instance + "/_history";
          case 5 ->
              instance
                  + "/_history/"
                  + dice.pickOf("1", "2", "0", "-1", "x", "999999999999", "", "1/x");
          case 6 -> "/" + type + "/_history";
          case 7 -> "/_history";
          case 8 -> "/" + type + "/_search";
          case 9 -> "/$" + operation(null, dice);
          case 10 -> "/" + type + "/$" + operation;
          case 11 -> instance + "/$" + operation;
          case 12 ->
              "/Patient/"
                  + Encoding.usual(corpus.anyId("Patient", dice))
                  + "/"
                  + dice.pickOf(type, "*", "Consent", "_history");
          // the OpenAPI document takes the server half a minute to build: asked for rarely, so the
          // run goes on
          case 13 ->
              dice.chance(0.05)
                  ? dice.pickOf("/api-docs", "/swagger-ui/")
                  : dice.pickOf(
                      "/metadata", "/.well-known/smart-configuration", "/_search", "/$meta");
          case 14 ->
              instance
                  + "/"
                  + dice.pickOf(
                      "x", "_history/1/x", "$everything/x", "_search", "*", "..", "%2e%2e", ";x");
          default ->
              dice.pickOf(
                  "//Patient",
                  "/Patient//1",
                  "/./Patient",
                  "/../actuator/health",
                  "/%2e%2e/actuator",
                  "/Patient%2F1",
                  "/Patient/1%00",
                  "/Patient/1;jsessionid=x",
                  "/" + "a/".repeat(dice.pickOf(50, 500)));
        };
    if (dice.chance(0.3)) {
      path += "?" + queries.query(type, dice);
    }
    String method = dice.pick(METHODS);
    FuzzRequest request = FuzzRequest.of("path", method, Encoding.sanitize(path));
    if (method.equals("POST")
        || method.equals("PUT")
        || method.equals("PATCH")
        || dice.chance(0.05)) {
      byte[] body =
          path.contains("$") && dice.chance(0.7)
              ? JsonMutator.bytes(parameters(dice))
              : bodies.anyBody(dice);
      request =
          request
              .withBody(body)
              .withHeader(
                  "Content-Type",
                  dice.chance(0.8)
                      ? "application/fhir+json"
                      : dice.pick(BodyGenerator.CONTENT_TYPES));
    }
    return request;
  }

  private String operation(String type, Dice dice) {
    List<String> listed =
        new ArrayList<>(type == null ? surface.systemOperations() : surface.operations(type));
    listed.removeAll(HEAVY);
    int choice = dice.weighted(listed.isEmpty() ? 0 : 70, 25, 2);
    return switch (choice) {
      case 0 -> dice.pick(listed);
      case 1 -> dice.pick(UNLISTED_OPERATIONS);
      default -> dice.pick(HEAVY);
    };
  }

  private ObjectNode parameters(Dice dice) {
    ObjectNode parameters = JsonMutator.JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode list = parameters.putArray("parameter");
    for (int i = dice.between(0, 4); i > 0; i--) {
      ObjectNode parameter = list.addObject().put("name", dice.pick(PARAMETER_NAMES));
      switch (dice.below(9)) {
        case 0 -> parameter.put("valueString", Hostile.string(dice, 4096));
        case 1 -> parameter.put("valueCode", dice.pickOf("TREAT", "ETREAT", "HRESCH", "x", ""));
        case 2 -> parameter.put("valueInteger", dice.pickOf(-1, 0, 1, Integer.MAX_VALUE));
        case 3 -> parameter.put("valueBoolean", dice.chance(0.5));
        case 4 ->
            parameter
                .putObject("valueReference")
                .put(
                    "reference",
                    dice.pickOf(
                        "Patient/" + corpus.anyId("Patient", dice),
                        "Organization/" + corpus.anyId("Organization", dice),
                        "Patient/" + Hostile.badId(dice),
                        "#",
                        ""));
        case 5 ->
            parameter.put(
                "valueUri",
                dice.pickOf(
                    "http://consentry.org/fhir/ValueSet/sensitivity-psy",
                    "http://loinc.org",
                    "http://example.invalid/x",
                    ""));
        case 6 -> parameter.put("valueDateTime", Hostile.date(dice));
        case 7 -> parameter.set("resource", corpus.sample(dice.pick(corpus.types()), dice));
        default ->
            parameter
                .putObject("valueCoding")
                .put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode")
                .put("code", dice.pickOf("PSY", "ETH", "R", "x"));
      }
    }
    return parameters;
  }
}
