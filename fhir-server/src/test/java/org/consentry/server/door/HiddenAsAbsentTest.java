package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client errors keep their message unless it carries text that belongs in the server log. */
class HiddenAsAbsentTest {

  private final HiddenAsAbsent answers = new HiddenAsAbsent(null);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HAPI-0450: Failed to parse request body as XML resource. Error was: HAPI-1849:"
            + " com.ctc.wstx.exc.WstxUnexpectedCharException: Unexpected character",
        "Error was: org.example.parser.ParseError: bad",
        "could not execute statement; SQL [n/a]"
      })
  void internalText_isReplaced_byAGenericMessage(String message) {
    BaseServerResponseException answer =
        answers.answer(new SystemRequestDetails(), new InvalidRequestException(message));

    assertThat(answer.getStatusCode()).isEqualTo(400);
    assertThat(answer.getMessage())
        .doesNotContain("com.ctc", "org.example", "SQL")
        .contains("could not be processed as sent");
  }

  @Test
  void aClientErrorInPlainWords_isKept_evenWithDottedPaths() {
    String message =
        "Observation.value.ofType(Quantity) is not a valid path; the element"
            + " Patient.name.givenError is unknown";
    InvalidRequestException error = new InvalidRequestException(message);
    BaseServerResponseException answer = answers.answer(new SystemRequestDetails(), error);

    // null: HAPI answers with the exception as thrown
    assertThat(answer == null ? error : answer).hasMessage(message);
  }

  @Test
  void aBatchEntryOutcome_withDatabaseWords_saysWhereTheLogHasThem() {
    Bundle sent = new Bundle().setType(Bundle.BundleType.BATCH);
    sent.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Observation?x=1");
    sent.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Observation?y=1");
    Bundle answered = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    answered
        .addEntry()
        .getResponse()
        .setStatus("500 Internal Server Error")
        .setOutcome(
            outcome(
                "HAPI-1262: org.hibernate.exception.DataException: JDBC exception executing SQL [SELECT"
                    + " t0.RES_ID FROM HFJ_SPIDX_QUANTITY t0]"));
    answered.addEntry().getResponse().setStatus("200 OK").setOutcome(outcome("Took 3ms"));
    SystemRequestDetails request = new SystemRequestDetails();
    request.setRestOperationType(RestOperationTypeEnum.BATCH);
    request.setResource(sent);
    ResponseDetails response = new ResponseDetails(answered);

    answers.answerEntries(request, response);

    assertThat(diagnostics(answered, 0))
        .startsWith("The server could not process this entry; the failure was logged")
        .doesNotContain("SQL", "hibernate", "HFJ_");
    assertThat(diagnostics(answered, 1)).isEqualTo("Took 3ms");
  }

  private static OperationOutcome outcome(String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setDiagnostics(diagnostics);
    return outcome;
  }

  private static String diagnostics(Bundle bundle, int entry) {
    return ((OperationOutcome) bundle.getEntry().get(entry).getResponse().getOutcome())
        .getIssueFirstRep()
        .getDiagnostics();
  }
}
