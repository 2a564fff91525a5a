package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OracleTest {

  private final Oracle oracle = new Oracle();

  private static Response answer(int status, String body) {
    return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), false, null, 1);
  }

  private static String outcome(String diagnostics) {
    return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\""
        + diagnostics.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        + "\"}]}";
  }

  @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '~',
      textBlock =
          """
			500; HAPI-0389: Failed to call access method: something went wrong;                  status 500
			400; java.lang.NumberFormatException: For input string: "abc";                          Java class name
			400; HAPI-0389: Failed to call access method: org.springframework.dao.InvalidDataAccessApiUsageException: Offset; Java class name
			400; ERROR: invalid byte sequence for encoding "UTF8": 0x00\\n  Where: unnamed portal parameter $2; SQL
			400; Processing failed\\n\\tat org.example.Thing.run(Thing.java:42);                        stack trace
			400; relation "hfj_resource" is locked;                                                 HAPI table name
			400; could not execute statement;                                                       SQL
			400; Cannot invoke "String.length()" because "value" is null;                           JVM message
			400; HAPI-1861: nesting depth exceeds the maximum (from `StreamReadConstraints.getMaxNestingDepth()`); JVM message
			400; Something failed: IllegalStateException;                                           exception name
			""")
  void internalTextOrA5xx_isAFinding(int status, String diagnostics, String reason) {
    Oracle.Verdict verdict =
        oracle.judge(
            FuzzRequest.of("query", "GET", "/Patient?_count=1"),
            answer(status, outcome(diagnostics.replace("\\n", "\n").replace("\\t", "\t"))));

    assertThat(verdict).isNotNull();
    assertThat(verdict.reasons()).anySatisfy(r -> assertThat(r).startsWith(reason));
  }

  @ParameterizedTest(name = "{0} \"{1}\"")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '~',
      textBlock =
          """
			400; HAPI-0375: Invalid _count value: abc
			404; HAPI-2001: Resource Patient/x is not known
			400; HAPI-1861: Failed to parse JSON encoded FHIR content: Unexpected character ('x' (code 120)) at [Source: UNKNOWN; line: 1, column: 2]
			422; Error was: the element is not valid
			403; Missing scope patient/Observation.rs: see http://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
			""")
  void hapiMessagesWithoutInternalText_areFine(int status, String diagnostics) {
    assertThat(
            oracle.judge(
                FuzzRequest.of("query", "GET", "/Patient"), answer(status, outcome(diagnostics))))
        .isNull();
  }

  @Test
  void internalTextTheRequestSentItself_isAnEchoNotALeak() {
    FuzzRequest request =
        FuzzRequest.of("query", "GET", "/Patient?name=org.example.SecretException");

    assertThat(
            oracle.judge(
                request, answer(400, outcome("Unknown name: org.example.SecretException"))))
        .isNull();
    assertThat(
            oracle.judge(
                FuzzRequest.of("query", "GET", "/Patient?name=x"),
                answer(400, outcome("Unknown name: org.example.SecretException"))))
        .isNotNull();
  }

  @Test
  void aBatchEntryThatAnswered500_isAFindingOfThe200() {
    String body =
        "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":[{\"response\":{\"status\":\"201 Created\"}},"
            + "{\"response\":{\"status\":\"500 Internal Server Error\",\"outcome\":"
            + outcome("boom")
            + "}}]}";

    Oracle.Verdict verdict = oracle.judge(FuzzRequest.of("bundle", "POST", ""), answer(200, body));

    assertThat(verdict.status()).isEqualTo("200 (entry 500)");
    assertThat(verdict.message()).isEqualTo("boom");
  }

  @Test
  void dataWithFhirUrls_isFine() {
    String patient =
        "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient\"]},"
            + "\"extension\":[{\"url\":\"http://synthetichealth.github.io/synthea/disability-adjusted-life-years\"}],"
            + "\"identifier\":[{\"system\":\"urn:oid:2.16.840.1.113883.4.3.25\"}]}";

    assertThat(oracle.judge(FuzzRequest.of("query", "GET", "/Patient/1"), answer(200, patient)))
        .isNull();
  }

  @Test
  void signature_ignoresValuesIdsAndNumbersButKeepsHapiCodes() {
    assertThat(
            Oracle.normalize(
                "HAPI-0389: For input string: \"abc\" at 12 in Patient/0b9c6a3e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"))
        .isEqualTo(
            Oracle.normalize(
                "HAPI-0389: For input string: \"-1e9\" at 7 in Patient/11111111-2222-3333-4444-555555555555"))
        .isNotEqualTo(Oracle.normalize("HAPI-0390: For input string: \"abc\" at 12 in Patient/x"));
  }

  @Test
  void message_ofAnHtmlErrorPage_isItsTextWithoutStyles() {
    String page =
        "<!doctype html><html><head><title>HTTP Status 501 – Not Implemented</title><style type=\"text/css\">"
            + "body {font-family:Tahoma;}</style></head><body><h1>HTTP Status 501 – Not Implemented</h1></body></html>";

    assertThat(Oracle.message(answer(501, page)))
        .isEqualTo("HTTP Status 501 – Not Implemented HTTP Status 501 – Not Implemented");
  }

  @Test
  void message_ofTurtleXmlAndSpringErrors_isTheirDiagnostics() {
    assertThat(
            Oracle.message(
                answer(
                    500,
                    "[ fhir:OperationOutcome.issue [\n    fhir:OperationOutcome.issue.diagnostics [\n"
                        + "      fhir:value \"theResource \\\"x\\\" must not be null\" ] ] ]")))
        .isEqualTo("theResource \"x\" must not be null");
    assertThat(
            Oracle.message(
                answer(
                    500,
                    "<OperationOutcome xmlns=\"http://hl7.org/fhir\"><issue><diagnostics value=\"in: &quot;%2&quot;"
                        + "\"/></issue><issue><diagnostics value=\"a &lt; b\"/></issue></OperationOutcome>")))
        .isEqualTo("in: \"%2\" | a < b");
    assertThat(
            Oracle.message(
                answer(
                    501,
                    "{\"timestamp\":\"2026-01-01\",\"status\":501,\"error\":\"Not Implemented\",\"path\":\"/fhir\"}")))
        .isEqualTo("Not Implemented");
  }
}
