package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.consentry.audit.AuditLog;
import org.consentry.audit.VerificationReport;
import org.consentry.audit.VerificationReport.Checkpoint;
import org.consentry.audit.VerificationReport.Kind;
import org.consentry.audit.VerificationReport.Problem;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code $audit-verify} answers exactly what the command line's tests replay ({@code
 * cli/src/test/resources/audit-verify/}), so {@code ./consentry audit verify} is tested against
 * what the server really sends.
 */
class VerifyAnswersTest {

  private static final Path ANSWERS = Path.of("../cli/src/test/resources/audit-verify");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource({"intact, ", "altered, ALTERED", "inserted-or-reordered, INSERTED_OR_REORDERED"})
  void theOperationAnswers_whatTheCliTestsReplay(String file, Kind kind) throws IOException {
    VerificationReport report = kind == null ? intact() : tampered(kind);
    AuditLog log = mock(AuditLog.class);
    when(log.verify()).thenReturn(report);
    Parameters answer = new AuditVerifyOperation(log).verify(null);

    JsonNode sent =
        JSON.readTree(AuditFixtures.FHIR.newJsonParser().encodeResourceToString(answer));
    JsonNode replayed = JSON.readTree(ANSWERS.resolve(file + ".json").toFile());
    assertThat(instantsInUtc(sent)).isEqualTo(instantsInUtc(replayed));
  }

  private static VerificationReport intact() {
    return new VerificationReport(
        120,
        0,
        120,
        null,
        new Checkpoint(120, Instant.parse("2026-11-28T12:00:00Z"), false),
        "Checked 120 records (1 to 120): the audit trail holds.");
  }

  private static VerificationReport tampered(Kind kind) {
    return new VerificationReport(
        41,
        0,
        41,
        new Problem(42, kind, "hash of record 42 does not match its content"),
        new Checkpoint(40, Instant.parse("2026-11-28T12:00:00Z"), false),
        "Record 42 was changed after it was written; the checkpoint at record 40 still holds.");
  }

  /** dateTimes are written in the server's time zone: compared as instants. */
  private static JsonNode instantsInUtc(JsonNode node) {
    JsonNode copy = node.deepCopy();
    normalise(copy);
    return copy;
  }

  private static void normalise(JsonNode node) {
    if (node instanceof ObjectNode object && object.has("valueDateTime")) {
      object.put(
          "valueDateTime",
          OffsetDateTime.parse(object.get("valueDateTime").asText()).toInstant().toString());
    }
    node.forEach(VerifyAnswersTest::normalise);
  }
}
