package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
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
}
