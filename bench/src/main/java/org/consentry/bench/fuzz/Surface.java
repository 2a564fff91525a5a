package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server says it serves, from its CapabilityStatement: resource types, their search
 * parameters, includes and operations, and the system operations. The generators aim at these, so
 * that most requests get past routing and reach the code behind it. The CapabilityStatement is the
 * same for the same build, so generation stays reproducible by seed.
 */
record Surface(
    List<String> types,
    Map<String, List<SearchParam>> searchParams,
    Map<String, List<String>> includes,
    Map<String, List<String>> revIncludes,
    Map<String, List<String>> typeOperations,
    List<String> systemOperations) {

  /**
   * A search parameter and its FHIR type (string, token, reference, date, number, quantity, uri,
   * composite, special).
   */
  record SearchParam(String name, String type) {}

  static Surface fetch(Sender sender) {
    Response response =
        sender.send(
            FuzzRequest.of("setup", "GET", "/metadata")
                .withHeader("Accept", "application/fhir+json"),
            null);
    if (response.status() != 200) {
      throw new FuzzException(
          "GET /metadata answered "
              + (response.answered() ? response.status() : response.failure()));
    }
    try {
      return of(new ObjectMapper().readTree(response.body()));
    } catch (IOException e) {
      throw new FuzzException("GET /metadata did not return JSON: " + e.getMessage());
    }
  }

  static Surface of(JsonNode capabilityStatement) {
    JsonNode rest = capabilityStatement.path("rest").path(0);
    List<String> types = new ArrayList<>();
    Map<String, List<SearchParam>> params = new LinkedHashMap<>();
    Map<String, List<String>> includes = new LinkedHashMap<>();
    Map<String, List<String>> revIncludes = new LinkedHashMap<>();
    Map<String, List<String>> operations = new LinkedHashMap<>();
    for (JsonNode resource : rest.path("resource")) {
      String type = resource.path("type").asText();
      types.add(type);
      List<SearchParam> typeParams = new ArrayList<>();
      resource
          .path("searchParam")
          .forEach(
              p ->
                  typeParams.add(
                      new SearchParam(p.path("name").asText(), p.path("type").asText())));
      params.put(type, typeParams);
      includes.put(type, texts(resource.path("searchInclude")));
      revIncludes.put(type, texts(resource.path("searchRevInclude")));
      List<String> ops = new ArrayList<>();
      resource.path("operation").forEach(o -> ops.add(o.path("name").asText()));
      operations.put(type, ops);
    }
    List<String> systemOps = new ArrayList<>();
    rest.path("operation").forEach(o -> systemOps.add(o.path("name").asText()));
    if (types.isEmpty()) {
      throw new FuzzException("the CapabilityStatement lists no resource types");
    }
    return new Surface(
        List.copyOf(types), params, includes, revIncludes, operations, List.copyOf(systemOps));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  List<SearchParam> params(String type) {
    return searchParams.getOrDefault(type, List.of());
  }

  List<String> operations(String type) {
    return typeOperations.getOrDefault(type, List.of());
  }
}
