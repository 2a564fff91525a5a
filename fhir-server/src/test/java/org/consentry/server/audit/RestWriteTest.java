package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.consentry.server.audit.AuditFixtures.BASE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.ISSUER;
import static org.consentry.server.audit.AuditFixtures.RITA;
import static org.consentry.server.audit.AuditFixtures.request;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * The server's create, update and delete events conform to BALP's Create, Update and Delete (and
 * their Patient variants), and name who wrote what, as HAPI's capture named them.
 */
class RestWriteTest {

  private static final String P = BalpConformance.P;
  private final AuditEvents events = new AuditEvents(null, ISSUER);
  private final AuditRequest drsmith = new AuditRequest(DRSMITH, "10.0.0.5", "req-9", BASE);

  private static AuditEventAgentComponent requestor(AuditEvent event) {
    return event.getAgent().stream()
        .filter(AuditEventAgentComponent::getRequestor)
        .findFirst()
        .get();
  }

  private static List<String> subtypes(AuditEvent event) {
    return event.getSubtype().stream().map(Coding::getCode).toList();
  }

  @Test
  void createUpdateDelete_ofAPatientsData_conformToTheirPatientProfiles_userIsAuthor() {
    AuditEvent create = events.write(drsmith, RestWrite.CREATE, "create", "Observation/5", "1");
    AuditEvent update = events.write(drsmith, RestWrite.UPDATE, "patch", "Observation/5", "1");
    AuditEvent delete = events.write(drsmith, RestWrite.DELETE, "delete", "Observation/5", "1");

    assertThat(List.of(create, update, delete))
        .extracting(BalpConformance::profile)
        .containsExactly(P + "PatientCreate", P + "PatientUpdate", P + "PatientDelete");
    for (AuditEvent event : List.of(create, update, delete)) {
      BalpConformance.assertConforms(event);
      assertThat(requestor(event).getType().getCodingFirstRep().getCode()).isEqualTo("AUT");
      assertThat(requestor(event).getWho().getReference()).isEqualTo("Practitioner/7");
      assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
          .isEqualTo("TREAT");
      assertThat(event.getAgent())
          .extracting(a -> a.getWho().getReference())
          .contains("Organization/3");
      assertThat(event.hasText()).as("no placeholder narrative").isFalse();
    }
    assertThat(create.getEntity())
        .extracting(e -> e.getWhat().getReference())
        .containsExactly(null, "Observation/5", "Patient/1");
    assertThat(create.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("req-9");
    assertThat(subtypes(update)).containsExactly("patch");
    assertThat(update.getAction()).isEqualTo(AuditEvent.AuditEventAction.U);
    assertThat(delete.getAction()).isEqualTo(AuditEvent.AuditEventAction.D);
  }

  @Test
  void aWriteOfNoPatientsData_isBasic() {
    AuditEvent create = events.write(drsmith, RestWrite.CREATE, "create", "Organization/3", null);
    BalpConformance.assertConforms(create);
    assertThat(BalpConformance.profile(create)).isEqualTo(P + "Create");
    assertThat(AuditTrail.patients(create)).isEmpty();
  }

  @Test
  void aPutThatCreated_isACreate_andAWriteInATransaction_namesTheTransactionBesides() {
    AuditEvent put = events.write(drsmith, RestWrite.CREATE, "update", "Patient/1", "1");
    BalpConformance.assertConforms(put);
    assertThat(subtypes(put)).containsExactly("create");

    AuditEvent inTransaction =
        events.write(drsmith, RestWrite.UPDATE, "transaction", "Patient/1", "1");
    BalpConformance.assertConforms(inTransaction);
    assertThat(subtypes(inTransaction)).containsExactly("update", "transaction");

    AuditEvent noOperation = events.write(drsmith, RestWrite.DELETE, null, "Patient/1", "1");
    assertThat(subtypes(noOperation)).containsExactly("delete");
  }

  @Test
  void aSystemClient_isItsClientId_aResearcherIsTheStudy() {
    AuditRequest ehr = new AuditRequest(EHR, "10.0.0.5", "req-1", BASE);
    AuditEvent byEhr = events.write(ehr, RestWrite.CREATE, "create", "Patient/1", "1");
    BalpConformance.assertConforms(byEhr);
    Reference user = requestor(byEhr).getWho();
    assertThat(user.getIdentifier().getValue()).isEqualTo("ehr-system");
    assertThat(user.getDisplay()).isEqualTo("system client ehr-system");
    assertThat(byEhr.getAgent())
        .filteredOn(a -> !a.getRequestor() && "10.0.0.5".equals(a.getNetwork().getAddress()))
        .singleElement()
        .satisfies(a -> assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("ehr-system"));

    AuditRequest rita = new AuditRequest(RITA, "10.0.0.5", "req-2", BASE);
    Reference researcher =
        requestor(events.write(rita, RestWrite.CREATE, "create", "Patient/1", "1")).getWho();
    assertThat(researcher.getReference()).isEqualTo("ResearchStudy/s1");
    assertThat(researcher.hasIdentifier()).isFalse();
  }

  @Test
  void theServersOwnWork_isTheServer_fromLocalhost() {
    AuditEvent event =
        events.write(AuditRequest.background(null), RestWrite.UPDATE, null, "Patient/1", "1");
    BalpConformance.assertConforms(event);
    assertThat(requestor(event).getWho().getDisplay()).isEqualTo("Consentry FHIR server");
    assertThat(event.getAgent()).extracting(a -> a.getNetwork().getAddress()).contains("localhost");
  }

  @Test
  void aWriteOfTwoPatientsData_isOneEventEach_asBalpAllowsOnePatientPerEvent() {
    RecordingTrail recording = new RecordingTrail();
    var create = request(RestOperationTypeEnum.CREATE, DRSMITH, "Observation", Map.of());
    Observation shared = new Observation();
    shared.setId("Observation/5");
    shared.setSubject(new Reference("Patient/1"));
    shared.addPerformer(new Reference("Patient/2"));
    recording.write(create, c -> c.created(shared, create));

    assertThat(recording.kinds()).containsExactly("create", "create");
    assertThat(recording.records)
        .extracting(r -> r.patients())
        .containsExactlyInAnyOrder(List.of("1"), List.of("2"));
    for (var record : recording.records) {
      BalpConformance.assertConforms(RecordingTrail.event(record));
    }
  }

  @Test
  void resourceIds_areRelativeAndVersionless() {
    var request = request(RestOperationTypeEnum.CREATE, DRSMITH, "Observation", Map.of());
    Observation observation = new Observation();
    assertThat(
            AuditCapture.relative(
                request, observation, new IdType(BASE + "/Observation/5/_history/3")))
        .isEqualTo("Observation/5");
    assertThat(AuditCapture.relative(request, observation, new IdType("Patient/1")))
        .isEqualTo("Patient/1");
    assertThat(AuditCapture.relative(request, observation, new IdType("5")))
        .isEqualTo("Observation/5");
  }

  @Test
  void aWriteByAnHttpRequestWithoutRequester_failsClosed_andRecordsNothing() {
    RecordingTrail recording = new RecordingTrail();
    var anonymous = request(RestOperationTypeEnum.CREATE, null, "Observation", Map.of());
    Observation observation = new Observation();
    observation.setId("Observation/5");
    observation.setSubject(new Reference("Patient/1"));
    assertThatThrownBy(() -> recording.write(anonymous, c -> c.created(observation, anonymous)))
        .isInstanceOf(AuthenticationException.class);
    assertThat(recording.records).isEmpty();
  }
}
