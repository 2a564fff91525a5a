package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomesTest {

  @Test
  void describe_operationOutcome_joinsErrorDiagnosticsOnOneLine() {
    String body =
        """
				{"resourceType":"OperationOutcome","issue":[
				 {"severity":"error","diagnostics":"first\\nproblem"},
				 {"severity":"information","diagnostics":"ignore me"},
				 {"severity":"fatal","details":{"text":"second"}}]}""";

    assertThat(Outcomes.describe(new FhirResponse(422, body)))
        .isEqualTo("HTTP 422: first problem; second");
  }

  @Test
  void describe_htmlErrorPage_keepsItsTextOnly() {
    String body = "<html><body><h1>Bad Gateway</h1>\n<p>upstream down</p></body></html>";

    assertThat(Outcomes.describe(new FhirResponse(502, body)))
        .isEqualTo("HTTP 502: Bad Gateway upstream down");
  }
}
