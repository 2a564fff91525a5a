package org.consentry.server.audit;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.consentry.audit.AuditLog;
import org.consentry.audit.VerificationReport;
import org.hl7.fhir.r4.model.Parameters;

/**
 * What {@code $audit-verify} answers for a verification report, made by the operation itself over a
 * store that reports it, for tests of its callers (the CLI) in other packages.
 */
public final class VerifyAnswers {

  private VerifyAnswers() {}

  /** The operation's Parameters as JSON, as the server sends them. */
  public static String json(VerificationReport report) {
    AuditLog log = mock(AuditLog.class);
    when(log.verify()).thenReturn(report);
    Parameters answer = new AuditVerifyOperation(log).verify(null);
    return AuditFixtures.FHIR.newJsonParser().encodeResourceToString(answer);
  }
}
