package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.regex.Pattern;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Outcomes in words: the validator's messages can carry a Java object as Java prints it (a value
 * set's filters as {@code [org.hl7.fhir.r5.model.ValueSet$ConceptSetFilterComponent@5be078c]}),
 * which is internal text and says nothing to a client. Such a print is left out of every issue of
 * an {@code OperationOutcome} the server answers with ({@code $validate}'s above all): "cannot
 * apply filters because CodeSystem ... is not present".
 */
@Interceptor
final class ValidationOutcomes implements ServerInterceptor {

  private static final String OBJECT = "(?:[a-z][a-z0-9_]*\\.)+[A-Z][\\w$]*@[0-9a-f]+";
  private static final Pattern PRINTED =
      Pattern.compile(" ?'?\\[?" + OBJECT + "(?:, " + OBJECT + ")*\\]?'?");

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void inWords(ResponseDetails response) {
    if (response.getResponseResource() instanceof OperationOutcome outcome) {
      for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
        if (issue.hasDiagnostics()) {
          issue.setDiagnostics(inWords(issue.getDiagnostics()));
        }
        if (issue.getDetails().hasText()) {
          issue.getDetails().setText(inWords(issue.getDetails().getText()));
        }
      }
    }
  }

  static String inWords(String text) {
    return PRINTED.matcher(text).replaceAll("");
  }
}
