package org.consentry.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the {@code Parameters} that a server operation ({@code $relabel}, {@code $rotate-keys}...)
 * answers.
 */
public final class OperationParameters {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OperationParameters() {}

  /**
   * The answer as JSON; a failed or non-JSON answer becomes an ImportException naming the
   * operation.
   */
  public static JsonNode read(FhirResponse response, String operation) {
    if (!response.isSuccess()) {
      throw new ImportException(
          operation
              + " answered HTTP "
              + response.status()
              + ": "
              + Outcomes.diagnostics(response.body()));
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ImportException(operation + " answered something that is not JSON");
    }
  }

  /** A parameter's valueString or valueInteger as text; empty if absent. */
  public static String value(JsonNode parameters, String name) {
    for (JsonNode parameter : parameters.path("parameter")) {
      if (name.equals(parameter.path("name").asText())) {
        JsonNode valueString = parameter.path("valueString");
        return valueString.isMissingNode()
            ? parameter.path("valueInteger").asText()
            : valueString.asText();
      }
    }
    return "";
  }
}
