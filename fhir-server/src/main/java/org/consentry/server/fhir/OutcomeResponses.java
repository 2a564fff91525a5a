package org.consentry.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Writes an error as a FHIR {@code OperationOutcome} from code that runs before HAPI (servlet
 * filters), so that every error on the FHIR API has the same shape whoever raises it.
 */
public final class OutcomeResponses {

  private OutcomeResponses() {}

  public static void write(
      HttpServletResponse response,
      FhirContext fhir,
      int status,
      IssueType code,
      String diagnostics)
      throws IOException {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(code).setDiagnostics(diagnostics);
    byte[] body =
        fhir.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/fhir+json;charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
