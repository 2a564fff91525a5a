package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingsTest {

  private static Oracle.Verdict verdict(String message) {
    return new Oracle.Verdict(
        "500 " + Oracle.normalize(message), "500", message, List.of("status 500"));
  }

  @Test
  void record_countsOneFindingPerSignature() {
    Findings findings = new Findings();

    Findings.Finding first =
        findings.record(
            verdict("For input string: \"abc\""),
            FuzzRequest.of("query", "GET", "/Patient/1/$everything?_count=abc"),
            Fixtures.anonymous());
    Findings.Finding again =
        findings.record(
            verdict("For input string: \"-x\""),
            FuzzRequest.of("query", "GET", "/Patient/2/$everything?_count=-x"),
            Fixtures.patient());
    findings.record(
        verdict("something else"),
        FuzzRequest.of("query", "GET", "/Observation"),
        Fixtures.patient());

    assertThat(first).isNotNull();
    assertThat(again).isNull();
    assertThat(findings.all()).hasSize(2);
    assertThat(first.count).isEqualTo(2);
    assertThat(first.requesters).containsExactly("anonymous", "patient");
    assertThat(first.shapes).containsExactly("GET /Patient/{x}/$everything");
    assertThat(first.first.target()).isEqualTo("/Patient/1/$everything?_count=abc");
  }

  @Test
  void noAnswer_isKeptOncePerShapeAndFailure() {
    Findings findings = new Findings();
    Response timeout =
        new Response(-1, Map.of(), new byte[0], false, "no answer within 60000 ms", 60_000);

    findings.noAnswer(FuzzRequest.of("body", "POST", "/Patient"), Fixtures.anonymous(), timeout);
    findings.noAnswer(FuzzRequest.of("body", "POST", "/Patient"), Fixtures.anonymous(), timeout);
    findings.noAnswer(
        FuzzRequest.of("body", "POST", "/Observation"), Fixtures.anonymous(), timeout);

    assertThat(findings.noAnswers())
        .extracting(Findings.NoAnswer::shape)
        .containsExactly("POST /Patient", "POST /Observation");
  }
}
