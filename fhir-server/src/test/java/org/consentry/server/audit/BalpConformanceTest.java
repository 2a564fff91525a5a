package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.server.audit.AuditFixtures.BASE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;

import org.consentry.consent.Decision;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

/**
 * The conformance check itself catches departures, so its silence on the other tests means
 * something.
 */
class BalpConformanceTest {

  private final AuditEvents events = new AuditEvents(null, null);
  private final AuditRequest request = new AuditRequest(DRSMITH, "10.0.0.5", "req-1", BASE);
  private final Decision permit =
      new Decision(Decision.Outcome.PERMIT, "Consent/12", null, "permit", false, null);

  @Test
  void authZconsent_closedEntitySlicing_rejectsARequestIdEntity() {
    AuditEvent event = events.authorization(request, "1", permit);
    Balp.addRequestId(event, "req-1");

    assertThat(BalpConformance.violations(event))
        .containsExactly("entity slicing closed: unexpected entity type XrequestId");
  }

  @Test
  void patientQuery_withoutPatient_orWithAnAbsolutePatient_isCaught() {
    AuditEvent noPatient =
        events.patientOperation(
            request, "1", "$everything", "GET", BASE + "/Patient/1/$everything");
    noPatient.getEntity().removeIf(e -> "1".equals(e.getType().getCode()));
    AuditEvent absolute =
        events.patientOperation(
            request, "1", "$everything", "GET", BASE + "/Patient/1/$everything");
    absolute.getEntity().stream()
        .filter(e -> "1".equals(e.getType().getCode()))
        .findFirst()
        .get()
        .getWhat()
        .setReference(BASE + "/Patient/1");

    assertThat(BalpConformance.violations(noPatient)).containsExactly("patient entity 1..1, got 0");
    assertThat(BalpConformance.violations(absolute))
        .singleElement()
        .asString()
        .startsWith("patient what Reference(Patient), relative");
  }

  @Test
  void disclosure_sourceAgentNotTheObserver_isCaught() {
    AuditEvent event = events.exportDisclosure(request, "1", "job-1");
    event.getSource().getObserver().setDisplay("somewhere else");

    assertThat(BalpConformance.violations(event))
        .containsExactly("source (val-audit-source) who must be the observer");
  }

  @Test
  void missingProfile_isReported() {
    assertThat(BalpConformance.violations(new AuditEvent()))
        .containsExactly("no BALP profile in meta.profile");
  }
}
