package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes with broken bodies: sample resources mutated ({@link JsonMutator}) or turned into broken
 * XML ({@link XmlBodies}), sent as create, update, conditional create/update/delete, {@code
 * $validate}, JSON Patch and FHIRPath Patch, under right and wrong content types.
 */
final class BodyGenerator {

  static final List<String> CONTENT_TYPES =
      List.of(
          "application/fhir+json",
          "application/json",
          "application/fhir+xml",
          "application/xml",
          "text/xml",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json-patch+json",
          "application/octet-stream",
          "application/fhir+json; charset=utf-7",
          "application/fhir+json; charset=x-unknown",
          "application/fhir+json;;;",
          "*/*",
          "",
          "application/fhir+json; fhirVersion=3.0",
          "application/fhir+turtle",
          "application/fhir+json, application/fhir+xml");

  private final Corpus corpus;
  private final QueryGenerator queries;
  private final XmlBodies xml;

  BodyGenerator(Corpus corpus, QueryGenerator queries, XmlBodies xml) {
    this.corpus = corpus;
    this.queries = queries;
    this.xml = xml;
  }

  FuzzRequest next(Dice dice, Requester requester) {
    String type = queries.type(dice);
    String id = Encoding.usual(ownOrAny(type, dice, requester));
    return switch (dice.weighted(30, 25, 8, 6, 4, 12, 8, 7)) {
      case 0 -> resource("POST", "/" + type, type, dice);
      case 1 -> resource("PUT", "/" + type + "/" + id, type, dice);
      case 2 ->
          resource("POST", "/" + type, type, dice)
              .withHeader("If-None-Exist", type + "?" + queries.param(type, dice));
      case 3 ->
          resource(
              "PUT", Encoding.sanitize("/" + type + "?" + queries.query(type, dice)), type, dice);
      case 4 ->
          FuzzRequest.of(
              "body", "DELETE", Encoding.sanitize("/" + type + "?" + queries.query(type, dice)));
      case 5 -> patch("/" + type + "/" + id, dice);
      case 6 ->
          resource(
              "POST",
              "/"
                  + type
                  + "/$validate"
                  + (dice.chance(0.3)
                      ? "?mode="
                          + dice.pickOf("create", "update", "delete", "x")
                          + "&profile="
                          + Encoding.usual(Hostile.string(dice, 100))
                      : ""),
              type,
              dice);
      default -> resource("POST", "/" + type + "/" + id + "/$validate", type, dice);
    };
  }

  private String ownOrAny(String type, Dice dice, Requester requester) {
    if (type.equals("Patient") && requester.patientId() != null && dice.chance(0.5)) {
      return requester.patientId();
    }
    return Hostile.id(dice, corpus, type);
  }

  /**
   * A mutated sample resource of the type (or of another), in JSON or XML, with a content type that
   * may lie.
   */
  private FuzzRequest resource(String method, String target, String type, Dice dice) {
    ObjectNode resource = corpus.sample(dice.chance(0.85) ? type : dice.pick(corpus.types()), dice);
    int format = dice.weighted(75, 15, 10);
    byte[] body;
    String contentType;
    if (format == 1) {
      body = xml.mutated(resource, dice);
      contentType = dice.chance(0.8) ? "application/fhir+xml" : dice.pick(CONTENT_TYPES);
    } else {
      body = format == 0 ? JsonMutator.mutate(resource, dice) : JsonMutator.bytes(resource);
      contentType =
          dice.chance(format == 0 ? 0.85 : 0.1)
              ? "application/fhir+json"
              : dice.pick(CONTENT_TYPES);
    }
    FuzzRequest request =
        new FuzzRequest("body", method, Encoding.sanitize(target), List.of(), body);
    return contentType.isEmpty() && dice.chance(0.5)
        ? request
        : request.withHeader("Content-Type", contentType);
  }

  private FuzzRequest patch(String target, Dice dice) {
    if (dice.chance(0.6)) {
      ArrayNode operations = JsonMutator.JSON.createArrayNode();
      for (int i = dice.between(0, 3); i > 0; i--) {
        ObjectNode op = operations.addObject();
        op.put("op", dice.pickOf("add", "remove", "replace", "move", "copy", "test", "x", ""));
        op.put(
            "path",
            dice.pickOf(
                "/id",
                "/meta",
                "/resourceType",
                "/name/0/family",
                "/name/-",
                "/a/b/c",
                "",
                "/",
                "/~1",
                "/~2",
                "/name/99999",
                "/name/-1",
                "/text/div",
                "/meta/security/0",
                Hostile.string(dice, 100)));
        if (dice.chance(0.7)) {
          op.put("value", Hostile.string(dice, 4096));
        }
        if (dice.chance(0.2)) {
          op.put("from", dice.pickOf("/id", "/name/0", "", "/x"));
        }
      }
      byte[] body =
          dice.chance(0.7) ? JsonMutator.bytes(operations) : JsonMutator.mutate(operations, dice);
      return new FuzzRequest("body", "PATCH", Encoding.sanitize(target), List.of(), body)
          .withHeader(
              "Content-Type",
              dice.chance(0.8) ? "application/json-patch+json" : dice.pick(CONTENT_TYPES));
    }
    ObjectNode parameters = JsonMutator.JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode parameter = parameters.putArray("parameter");
    for (int i = dice.between(0, 3); i > 0; i--) {
      ArrayNode parts =
          parameter.addObject().put("name", dice.pickOf("operation", "x", "")).putArray("part");
      parts
          .addObject()
          .put("name", "type")
          .put("valueCode", dice.pickOf("add", "insert", "delete", "replace", "move", "x"));
      parts
          .addObject()
          .put("name", "path")
          .put(
              "valueString",
              dice.pickOf(
                  "Patient.name",
                  "Patient",
                  "Observation.code.coding[0]",
                  "name.where(",
                  "%resource",
                  "Patient.name[999]",
                  Hostile.string(dice, 200)));
      if (dice.chance(0.6)) {
        parts
            .addObject()
            .put("name", dice.pickOf("name", "value"))
            .put("valueString", Hostile.string(dice, 1000));
      }
      if (dice.chance(0.2)) {
        parts
            .addObject()
            .put("name", "index")
            .put("valueInteger", dice.pickOf(-1, 0, 99999, Integer.MAX_VALUE));
      }
    }
    byte[] body =
        dice.chance(0.7) ? JsonMutator.bytes(parameters) : JsonMutator.mutate(parameters, dice);
    return new FuzzRequest("body", "PATCH", Encoding.sanitize(target), List.of(), body)
        .withHeader(
            "Content-Type", dice.chance(0.8) ? "application/fhir+json" : dice.pick(CONTENT_TYPES));
  }

  /** A body for an operation or an odd method: Parameters, a resource, or junk. */
  byte[] anyBody(Dice dice) {
    return switch (dice.below(4)) {
      case 0 ->
          JsonMutator.bytes(JsonMutator.JSON.createObjectNode().put("resourceType", "Parameters"));
      case 1 -> JsonMutator.mutate(corpus.sample(dice.pick(corpus.types()), dice), dice);
      case 2 -> Hostile.string(dice, 4096).getBytes(StandardCharsets.UTF_8);
      default -> JsonMutator.bytes(corpus.sample(dice.pick(corpus.types()), dice));
    };
  }
}
