package org.consentry.server.audit;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Date;
import org.consentry.audit.AuditLog;
import org.consentry.audit.VerificationReport;
import org.consentry.server.fhir.FhirOperations;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code $audit-verify} (auditors): recomputes the audit trail's hash chain and checks its signed
 * checkpoints, answering whether it is intact, the first altered, deleted, inserted or reordered
 * record, and the last checkpoint that still holds. {@code ./consentry audit verify} calls it.
 *
 * <pre>
 * GET /fhir/$audit-verify
 * </pre>
 */
final class AuditVerifyOperation implements FhirOperations {

  private final AuditLog log;

  AuditVerifyOperation(AuditLog log) {
    this.log = log;
  }

  @Operation(name = "$audit-verify", idempotent = true)
  public Parameters verify(RequestDetails request) {
    VerificationReport report;
    try {
      log.flush(); // what was recorded up to this request is part of the check
      report = log.verify();
    } catch (org.consentry.audit.AuditUnavailableException e) {
      throw AuditTrail.unavailable(e);
    }
    Parameters out = new Parameters();
    out.addParameter().setName("intact").setValue(new BooleanType(report.intact()));
    out.addParameter().setName("checked").setValue(new IntegerType(clamp(report.checked())));
    out.addParameter().setName("lastSeq").setValue(new StringType(Long.toString(report.lastSeq())));
    report
        .firstProblem()
        .ifPresent(
            problem -> {
              Parameters.ParametersParameterComponent part = out.addParameter().setName("problem");
              part.addPart().setName("seq").setValue(new StringType(Long.toString(problem.seq())));
              part.addPart()
                  .setName("record")
                  .setValue(new StringType("AuditEvent/" + problem.seq()));
              part.addPart()
                  .setName("kind")
                  .setValue(new CodeType(problem.kind().name().toLowerCase().replace('_', '-')));
              part.addPart().setName("detail").setValue(new StringType(problem.detail()));
            });
    report
        .lastGood()
        .ifPresent(
            checkpoint -> {
              Parameters.ParametersParameterComponent part =
                  out.addParameter().setName("lastGoodCheckpoint");
              part.addPart()
                  .setName("seq")
                  .setValue(new StringType(Long.toString(checkpoint.seq())));
              part.addPart()
                  .setName("created")
                  .setValue(new DateTimeType(Date.from(checkpoint.created())));
              part.addPart()
                  .setName("pruneAnchor")
                  .setValue(new BooleanType(checkpoint.pruneAnchor()));
            });
    out.addParameter().setName("text").setValue(new StringType(report.text()));
    return out;
  }

  private static int clamp(long value) {
    return (int) Math.min(value, Integer.MAX_VALUE);
  }
}
