package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.consentry.server.audit.AuditFixtures.ALICE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.DRSMITH_EMERGENCY;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.RITA;
import static org.consentry.server.audit.AuditFixtures.request;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.audit.AuditRecord;
import org.consentry.audit.AuditUnavailableException;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.consentry.server.consent.RequestStates;
import org.consentry.server.crypto.KeyAudit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The trail's indexing helpers, the kind each HAPI BALP event is stored as, and what {@code append}
 * hands the store (see {@link RecordingTrail} for the stand-in of the store).
 */
class AuditTrailTest {

  private final RecordingTrail recording = new RecordingTrail();
  private final AuditTrail trail = recording.trail;

  private static Observation observation(String id, String patient) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setSubject(new Reference(patient));
    return observation;
  }

  private static Consent consent() {
    Consent consent = new Consent();
    consent.setId("Consent/12");
    consent.setPatient(new Reference("Patient/1"));
    return consent;
  }

  private static AuditEvent.AuditEventEntityComponent entity(
      AuditEvent event, String role, String reference) {
    AuditEvent.AuditEventEntityComponent entity = event.addEntity();
    entity.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", role, null));
    entity.setWhat(new Reference(reference));
    return entity;
  }

  private static Decision permitByConsent() {
    return new Decision(
        Decision.Outcome.PERMIT, "Consent/12", "provision", "alice permits treatment", false, null);
  }

  private static Decision denyByConsent() {
    return new Decision(
        Decision.Outcome.DENY, "Consent/12", "provision.provision[0]", "denies Org/5", false, null);
  }

  @Nested
  class Helpers {

    @Test
    void patients_areThePatientRoleEntities_once_inOrder() {
      AuditEvent event = new AuditEvent();
      entity(event, "1", "Patient/2");
      entity(event, "4", "Patient/9"); // a Patient read as data is not what the event concerns
      entity(event, "1", "Patient/2");
      entity(event, "1", "Group/3");
      entity(event, "1", "Patient/");
      event.addEntity().getRole().setCode("1"); // no reference at all
      entity(event, "1", "Patient/1");

      assertThat(AuditTrail.patients(event)).containsExactly("2", "1");
      assertThat(AuditTrail.patients(new AuditEvent())).isEmpty();
    }

    @Test
    void agent_isTheRequestorsReference_elseItsIdentifier_elseEmpty() {
      AuditEvent byReference = new AuditEvent();
      byReference.addAgent().setRequestor(false).setWho(new Reference("Organization/3"));
      byReference
          .addAgent()
          .setRequestor(true)
          .setWho(
              new Reference("Practitioner/7").setIdentifier(new Identifier().setValue("sub-x")));
      assertThat(AuditTrail.agent(byReference)).isEqualTo("Practitioner/7");

      AuditEvent byIdentifier = new AuditEvent();
      byIdentifier
          .addAgent()
          .setRequestor(true)
          .setWho(new Reference().setIdentifier(new Identifier().setValue("ehr-system")));
      assertThat(AuditTrail.agent(byIdentifier)).isEqualTo("ehr-system");

      AuditEvent onlyOthers = new AuditEvent();
      onlyOthers.addAgent().setRequestor(false).setWho(new Reference("Organization/3"));
      assertThat(AuditTrail.agent(onlyOthers)).isEmpty();
      assertThat(AuditTrail.agent(new AuditEvent())).isEmpty();
    }
  }

  /** Each HAPI BALP profile is stored under its kind; a change of a Consent is consent-change. */
  @Nested
  class Kinds {

    @Test
    void patientRead_andBasicRead_areRead() {
      recording.serve(
          request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()),
          observation("Observation/5", "Patient/1"));
      Organization organization = new Organization();
      organization.setId("Organization/3");
      recording.serve(
          request(RestOperationTypeEnum.VREAD, DRSMITH, "Organization/3", Map.of()), organization);

      assertThat(recording.kinds()).containsExactly("read", "read");
      assertThat(recording.records.get(0).patients()).containsExactly("1");
      assertThat(recording.records.get(1).patients()).isEmpty();
      assertThat(recording.records).extracting(AuditRecord::agent).containsOnly("Practitioner/7");
    }

    @Test
    void patientQuery_isQuery_onePerPatient() {
      recording.serve(
          request(RestOperationTypeEnum.SEARCH_TYPE, EHR, "Observation", Map.of()),
          observation("Observation/5", "Patient/1"),
          observation("Observation/6", "Patient/2"));

      assertThat(recording.kinds()).containsExactly("query", "query");
      assertThat(recording.records)
          .extracting(AuditRecord::patients)
          .containsExactlyInAnyOrder(List.of("1"), List.of("2"));
      assertThat(recording.records).extracting(AuditRecord::agent).containsOnly("ehr-system");
    }

    @Test
    void createUpdateDelete_areCreateUpdateDelete() {
      Observation observation = observation("Observation/5", "Patient/1");
      ServletRequestDetails create =
          request(RestOperationTypeEnum.CREATE, DRSMITH, "Observation", Map.of());
      recording.write(create, c -> c.created(observation, create));
      ServletRequestDetails update =
          request(RestOperationTypeEnum.UPDATE, DRSMITH, "Observation/5", Map.of());
      // a Consent that permitted the update is recorded with it, and does not make it a
      // consent change
      RequestStates.decidedByConsent(update, "1", permitByConsent());
      recording.write(update, c -> c.updated(observation, observation, update));
      ServletRequestDetails delete =
          request(RestOperationTypeEnum.DELETE, DRSMITH, "Observation/5", Map.of());
      recording.write(delete, c -> c.deleted(observation, delete));

      assertThat(recording.kinds()).containsExactly("create", "update", "authz-consent", "delete");
      AuditEvent updated = RecordingTrail.event(recording.records.get(1));
      assertThat(updated.getEntity())
          .extracting(e -> e.getWhat().getReference())
          .contains("Consent/12", "Observation/5");
    }

    @Test
    void creatingUpdatingOrDeletingAConsent_isAConsentChange_readingOneIsARead() {
      ServletRequestDetails create =
          request(RestOperationTypeEnum.CREATE, ALICE, "Consent", Map.of());
      recording.write(create, c -> c.created(consent(), create));
      ServletRequestDetails update =
          request(RestOperationTypeEnum.UPDATE, ALICE, "Consent/12", Map.of());
      recording.write(update, c -> c.updated(consent(), consent(), update));
      ServletRequestDetails delete =
          request(RestOperationTypeEnum.DELETE, ALICE, "Consent/12", Map.of());
      recording.write(delete, c -> c.deleted(consent(), delete));
      recording.serve(
          request(RestOperationTypeEnum.READ, ALICE, "Consent/12", Map.of()), consent());

      assertThat(recording.kinds())
          .containsExactly("consent-change", "consent-change", "consent-change", "read");
      assertThat(recording.records)
          .allSatisfy(r -> assertThat(r.patients()).containsExactly("1"))
          .extracting(AuditRecord::agent)
          .containsOnly("Patient/1");
    }
  }

  @Nested
  class Append {

    @Test
    void record_holdsTheEventsTimePatientsAgentAndJson_queryValuesProtected() {
      Map<String, String[]> parameters = new LinkedHashMap<>();
      parameters.put(
          "subject:Patient.identifier",
          new String[] {"http://hl7.org/fhir/sid/us-ssn|999-41-3819"});
      recording.serve(
          request(RestOperationTypeEnum.SEARCH_TYPE, DRSMITH, "Observation", parameters),
          observation("Observation/5", "Patient/1"));

      AuditRecord record = recording.records.get(0);
      AuditEvent stored = RecordingTrail.event(record);
      assertThat(record.recorded()).isEqualTo(stored.getRecorded().toInstant());
      assertThat(record.recorded()).isBetween(Instant.now().minusSeconds(60), Instant.now());
      assertThat(record.patients()).containsExactly("1");
      assertThat(record.agent()).isEqualTo("Practitioner/7");
      assertThat(record.json()).doesNotContain("999-41-3819").contains("Organization/3");
      assertThat(stored.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
          .isEqualTo("TREAT");
    }

    @Test
    void disabled_appendsNothing() {
      RecordingTrail off = new RecordingTrail(false);
      off.serve(
          request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()),
          observation("Observation/5", "Patient/1"));
      off.trail.erased(request(RestOperationTypeEnum.DELETE, ALICE, "Patient/1", Map.of()), "1");

      verifyNoInteractions(off.log);
    }

    @Test
    void storeUnavailable_isA503_refusingRatherThanServingUnaudited() {
      doThrow(new AuditUnavailableException("audit queue full")).when(recording.log).append(any());

      assertThatThrownBy(
              () ->
                  recording.serve(
                      request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()),
                      observation("Observation/5", "Patient/1")))
          .isInstanceOfSatisfying(
              UnclassifiedServerFailureException.class,
              e -> assertThat(e.getStatusCode()).isEqualTo(503))
          .hasMessageContaining("refused rather than served unaudited")
          .hasMessageContaining("audit queue full");
    }

    @Test
    void decisions_denyIsABlockedAuthZconsent_emergencyOnceAndNotAsADecision() {
      ServletRequestDetails blocked =
          request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of());
      RequestStates.decidedByConsent(blocked, "1", denyByConsent());
      recording.serve(blocked);

      ServletRequestDetails emergency =
          request(RestOperationTypeEnum.READ, DRSMITH_EMERGENCY, "Observation/5", Map.of());
      Decision override =
          new Decision(
              Decision.Outcome.PERMIT,
              "Consent/12",
              "provision",
              "emergency override of a deny",
              true,
              null);
      RequestStates.decidedByConsent(emergency, "1", override);
      RequestStates.emergency(emergency, "1", override);
      recording.serve(emergency);

      assertThat(recording.kinds()).containsExactly("authz-consent", "emergency");
      AuditEvent deny = RecordingTrail.event(recording.records.get(0));
      assertThat(deny.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
      assertThat(deny.getOutcomeDesc()).isEqualTo("denies Org/5");
      assertThat(recording.records.get(1).agent()).isEqualTo("Practitioner/7");
      assertThat(recording.records).allSatisfy(r -> assertThat(r.patients()).containsExactly("1"));
    }

    @Test
    void operation_isOneRecordPerPatient() {
      trail.operation(
          request(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, EHR, "Patient/1", Map.of()),
          "$everything",
          Set.of("1", "2"));

      assertThat(recording.kinds()).containsExactly("operation", "operation");
      assertThat(recording.records)
          .extracting(AuditRecord::patients)
          .containsExactlyInAnyOrder(List.of("1"), List.of("2"));
    }

    @Test
    void researchDisclosure_perPatient_namesTheStudy_neverTheResearcher() {
      Requester forStudy =
          new Requester(
              Requester.Kind.RESEARCHER,
              RITA.subject(),
              null,
              RITA.fhirUser(),
              RITA.organization(),
              Set.of("ResearchStudy/s1"),
              RITA.scopes(),
              "HRESCH",
              RITA.clientId());

      trail.researchDisclosures(forStudy, "ResearchStudy/s1", "job-7", List.of("1", "2"));

      assertThat(recording.kinds()).containsExactly("research-disclosure", "research-disclosure");
      assertThat(recording.records)
          .extracting(AuditRecord::patients)
          .containsExactly(List.of("1"), List.of("2"));
      assertThat(recording.records)
          .allSatisfy(
              r -> {
                assertThat(r.agent()).isEqualTo("ResearchStudy/s1");
                assertThat(r.json())
                    .contains("job-7")
                    .doesNotContain("sub-rita", "Practitioner/9", "Organization/4", "research-app");
              });
    }

    @Test
    void exportDisclosure_erasureAndKeyRotation() {
      trail.exportDisclosures(DRSMITH, "job-3", List.of("1"));
      trail.erased(request(RestOperationTypeEnum.DELETE, ALICE, "Patient/1", Map.of()), "1");
      trail.rotated(null, KeyAudit.Rotation.MASTER_KEY, "kek v3", "412 data keys re-wrapped");

      assertThat(recording.kinds()).containsExactly("disclosure", "erasure", "key");
      assertThat(recording.records.get(0).agent()).isEqualTo("Practitioner/7");
      assertThat(recording.records.get(1).patients()).containsExactly("1");
      assertThat(recording.records.get(1).agent()).isEqualTo("Patient/1");
      AuditRecord key = recording.records.get(2);
      assertThat(key.patients()).isEmpty();
      assertThat(key.agent()).isEqualTo(Agents.SERVER_ID);
      assertThat(key.json()).contains("rotate-master-key", "kek v3");
    }
  }
}
