package org.consentry.server.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Parameters;

/** The parameters of an operation request, wherever the client put them. */
public final class OperationParameters {

  private OperationParameters() {}

  /**
   * A parameter's values from the URL and from a POSTed Parameters body (HAPI reads one or the
   * other), primitive values only.
   */
  public static List<String> values(RequestDetails request, String name) {
    List<String> values = new ArrayList<>();
    String[] query = request.getParameters() == null ? null : request.getParameters().get(name);
    if (query != null) {
      values.addAll(List.of(query));
    }
    if (request.getResource() instanceof Parameters body) {
      body.getParameter().stream()
          .filter(
              p -> name.equals(p.getName()) && p.getValue() != null && p.getValue().isPrimitive())
          .forEach(p -> values.add(p.getValue().primitiveValue()));
    }
    return values;
  }
}
