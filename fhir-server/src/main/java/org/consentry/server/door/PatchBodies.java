package org.consentry.server.door;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * The patch formats the server takes, checked before HAPI applies a PATCH (which fails with a 500
 * on a FHIRPath Patch body that is not a Parameters resource, or on malformed XML Patch):
 *
 * <ul>
 *   <li>JSON Patch ({@code application/json-patch+json}): HAPI checks its operations;
 *   <li>FHIRPath Patch ({@code application/fhir+json} or {@code application/fhir+xml}): the body
 *       must be a Parameters resource whose every parameter is an {@code operation} with a {@code
 *       type} and a {@code path} that is a FHIRPath expression (HAPI's delete fails with a 500 on
 *       one that is not).
 * </ul>
 *
 * XML Patch is not offered. Any other content type HAPI refuses itself, with a 400.
 */
final class PatchBodies {

  private static final Set<String> FHIR_JSON =
      Set.of("application/fhir+json", "application/json+fhir");
  private static final Set<String> FHIR_XML =
      Set.of("application/fhir+xml", "application/xml+fhir");
  private static final String XML_PATCH = "application/xml-patch+xml";

  private final FhirContext fhir;
  private final IFhirPath fhirPath;

  PatchBodies(FhirContext fhir) {
    this.fhir = fhir;
    this.fhirPath = fhir.newFhirPath();
  }

  /** Refuses, with a 400 that says what to send, a PATCH body the server cannot apply. */
  void check(RequestDetails request) {
    String type = mediaType(request.getHeader("Content-Type"));
    if (XML_PATCH.equals(type)) {
      throw new InvalidRequestException(
          "XML Patch is not offered: send JSON Patch (Content-Type: application/json-patch+json)"
              + " or FHIRPath Patch (a Parameters resource, application/fhir+json or"
              + " application/fhir+xml)");
    }
    boolean json = FHIR_JSON.contains(type);
    if (!json && !FHIR_XML.contains(type)) {
      return;
    }
    byte[] body = request.loadRequestContents();
    IParser parser = json ? fhir.newJsonParser() : fhir.newXmlParser();
    IBaseResource parsed;
    try {
      parsed =
          parser.parseResource(
              new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8));
    } catch (DataFormatException | IllegalArgumentException e) {
      throw fhirPatch("the body is not a FHIR resource in the format its Content-Type names");
    }
    if (!(parsed instanceof Parameters parameters)) {
      throw fhirPatch("the body is " + (parsed == null ? "empty" : "a " + parsed.fhirType()));
    }
    if (parameters.getParameter().isEmpty()) {
      throw fhirPatch("it has no operation");
    }
    for (ParametersParameterComponent operation : parameters.getParameter()) {
      if (!"operation".equals(operation.getName())) {
        throw fhirPatch("every parameter must be named 'operation'");
      }
      if (!hasValue(operation, "type") || !hasValue(operation, "path")) {
        throw fhirPatch("every operation needs a 'type' and a non-empty 'path'");
      }
      List<ParametersParameterComponent> paths =
          operation.getPart().stream().filter(part -> "path".equals(part.getName())).toList();
      if (paths.size() != 1) {
        throw fhirPatch("every operation has one 'path'");
      }
      String path = paths.get(0).getValue().primitiveValue();
      try {
        fhirPath.parse(path);
      } catch (Exception e) {
        throw fhirPatch("its path '" + path + "' is not a FHIRPath expression (" + reason(e) + ")");
      }
    }
  }

  /** The parser's own words, without the class names of the exceptions that carry them. */
  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    int colon = message.lastIndexOf("Exception: ");
    return colon < 0 ? message : message.substring(colon + "Exception: ".length());
  }

  private static boolean hasValue(ParametersParameterComponent operation, String name) {
    return operation.getPart().stream()
        .anyMatch(
            part ->
                name.equals(part.getName())
                    && part.getValue() != null
                    && part.getValue().isPrimitive()
                    && part.getValue().primitiveValue() != null
                    && !part.getValue().primitiveValue().isBlank());
  }

  private static InvalidRequestException fhirPatch(String why) {
    return new InvalidRequestException(
        "A FHIRPath Patch body is a Parameters resource of 'operation' parameters, each with a"
            + " type and a path; this one cannot be applied: "
            + why);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}
