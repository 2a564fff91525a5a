package org.consentry.server.door;

import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.BATCH;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.CREATE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.DELETE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.GET_PAGE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.METADATA;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.META_ADD;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.META_DELETE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.PATCH;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.TRANSACTION;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentry.consent.Requester.Kind;
import org.consentry.server.door.ApiSurface.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiSurfaceTest {

  @Nested
  class Interactions {
    @ParameterizedTest(name = "{0} {1} on patient data={2}: {3}")
    @CsvSource({
      "PATIENT,      READ,             true,  true",
      "PATIENT,      SEARCH_TYPE,      true,  true",
      "PATIENT,      HISTORY_INSTANCE, true,  true",
      "PATIENT,      HISTORY_TYPE,     true,  false",
      "PATIENT,      HISTORY_SYSTEM,   true,  false",
      "PATIENT,      SEARCH_SYSTEM,    true,  false",
      "PATIENT,      CREATE,           true,  true",
      "PATIENT,      GRAPHQL_REQUEST,  true,  false",
      "PRACTITIONER, HISTORY_TYPE,     true,  false",
      "PRACTITIONER, TRANSACTION,      true,  true",
      "PRACTITIONER, META,             true,  false",
      "PRACTITIONER, VALIDATE,         true,  false",
      "SYSTEM,       HISTORY_TYPE,     true,  true",
      "SYSTEM,       HISTORY_SYSTEM,   true,  true",
      "SYSTEM,       SEARCH_SYSTEM,    true,  true",
      "RESEARCHER,   READ,             true,  false",
      "RESEARCHER,   SEARCH_TYPE,      true,  false",
      "RESEARCHER,   READ,             false, true",
      "RESEARCHER,   SEARCH_TYPE,      false, true",
      "RESEARCHER,   CREATE,           false, false",
      "RESEARCHER,   GET_PAGE,         false, true",
    })
    void admits(
        Kind kind, RestOperationTypeEnum interaction, boolean patientData, boolean admitted) {
      assertThat(ApiSurface.admits(kind, interaction, patientData)).isEqualTo(admitted);
    }

    @ParameterizedTest(name = "{0} {1} of export files: {2}")
    @CsvSource({
      "RESEARCHER,   READ,   true",
      "RESEARCHER,   VREAD,  false",
      "RESEARCHER,   DELETE, false",
      "PATIENT,      READ,   false",
    })
    void exportFiles(Kind kind, RestOperationTypeEnum interaction, boolean admitted) {
      assertThat(ApiSurface.admitsExportFiles(kind, interaction)).isEqualTo(admitted);
    }

    @ParameterizedTest(name = "{0} {1} on AuditEvent: {2}")
    @CsvSource({
      "PATIENT,      READ,             true",
      "PATIENT,      SEARCH_TYPE,      true",
      "AUDITOR,      READ,             true",
      "AUDITOR,      SEARCH_TYPE,      true",
      "PATIENT,      HISTORY_INSTANCE, false",
      "AUDITOR,      HISTORY_TYPE,     false",
      "AUDITOR,      SEARCH_SYSTEM,    false",
      "PRACTITIONER, READ,             false",
      "PRACTITIONER, SEARCH_TYPE,      false",
      "SYSTEM,       READ,             false",
      "SYSTEM,       SEARCH_TYPE,      false",
      "RESEARCHER,   READ,             false",
      "RESEARCHER,   SEARCH_TYPE,      false",
    })
    void auditTrail_isReadByPatientsAndAuditorsOnly(
        Kind kind, RestOperationTypeEnum interaction, boolean admitted) {
      assertThat(ApiSurface.admitsAuditTrail(kind, interaction)).isEqualTo(admitted);
    }

    @Test
    void auditTrail_isWrittenThroughTheApiByNobody() {
      for (Kind kind : Kind.values()) {
        for (RestOperationTypeEnum write :
            List.of(CREATE, UPDATE, PATCH, DELETE, TRANSACTION, BATCH, META_ADD, META_DELETE)) {
          assertThat(ApiSurface.admitsAuditTrail(kind, write)).as(kind + " " + write).isFalse();
        }
      }
    }

    @ParameterizedTest(name = "{0} on the Subscription websocket: {1}")
    @CsvSource({
      "PRACTITIONER, true",
      "SYSTEM,       true",
      "PATIENT,      false",
      "RESEARCHER,   false",
      "AUDITOR,      false",
    })
    void subscriptionSocket_isForThoseWhoSubscribe(Kind kind, boolean admitted) {
      assertThat(ApiSurface.admitsSubscriptionSocket(kind)).isEqualTo(admitted);
      assertThat(ApiSurface.admitsSubscriptionSocket(kind))
          .isEqualTo(ApiSurface.admitsSubscriptions(kind, CREATE));
    }

    @Test
    void anAuditor_isOfferedMetadataAndPagesOnly_ofTheInteractions() {
      Set<RestOperationTypeEnum> admitted = EnumSet.noneOf(RestOperationTypeEnum.class);
      for (RestOperationTypeEnum interaction : RestOperationTypeEnum.values()) {
        for (boolean patientData : new boolean[] {true, false}) {
          if (ApiSurface.admits(Kind.AUDITOR, interaction, patientData)
              || ApiSurface.admitsExportFiles(Kind.AUDITOR, interaction)) {
            admitted.add(interaction);
          }
        }
      }
      assertThat(admitted).containsExactlyInAnyOrder(METADATA, GET_PAGE);
    }
  }

  @Nested
  class Operations {
    @ParameterizedTest(name = "{0} {1} at {2} on {3}: {4}")
    @CsvSource({
      "PATIENT,      $everything,          INSTANCE, Patient,   true",
      "PATIENT,      $everything,          TYPE,     Patient,   false",
      "PATIENT,      $everything,          INSTANCE, Encounter, false",
      "SYSTEM,       $everything,          TYPE,     Patient,   true",
      "PRACTITIONER, $meta,                INSTANCE, Observation, true",
      "PRACTITIONER, $meta,                TYPE,     Observation, false",
      "PRACTITIONER, $meta,                SERVER,   ,          false",
      "SYSTEM,       $meta-add,            INSTANCE, Observation, true",
      "PRACTITIONER, $meta-add,            INSTANCE, Observation, false",
      "PRACTITIONER, $validate,            INSTANCE, Patient,   false",
      "SYSTEM,       $validate,            INSTANCE, Patient,   false",
      "SYSTEM,       $validate,            TYPE,     Patient,   true",
      "SYSTEM,       $get-resource-counts, SERVER,   ,          false",
      "SYSTEM,       $expunge,             SERVER,   ,          false",
      "PATIENT,      $consent-decision,    SERVER,   ,          true",
      "PRACTITIONER, $consent-decision,    SERVER,   ,          false",
      "PATIENT,      $export,              SERVER,   ,          false",
      "PRACTITIONER, $export,              INSTANCE, Group,     true",
      "RESEARCHER,   $export,              SERVER,   ,          false",
      "RESEARCHER,   $export,              TYPE,     Patient,   false",
      "RESEARCHER,   $export,              INSTANCE, Patient,   false",
      "RESEARCHER,   $export,              INSTANCE, ResearchStudy, true",
      "RESEARCHER,   $export,              INSTANCE, Group,     true",
      "PRACTITIONER, $export,              INSTANCE, ResearchStudy, false",
      "SYSTEM,       $export,              INSTANCE, ResearchStudy, false",
      "RESEARCHER,   $export-poll-status,  SERVER,   ,          true",
      "PATIENT,      $export-poll-status,  SERVER,   ,          false",
      "RESEARCHER,   $expand,              TYPE,     ValueSet,  true",
      "PATIENT,      $erase,               INSTANCE, Patient,   true",
      "PRACTITIONER, $erase,               INSTANCE, Patient,   false",
      "PRACTITIONER, $relabel,             SERVER,   ,          false",
      "SYSTEM,       $relabel,             SERVER,   ,          true",
      "PATIENT,      $access-report,       INSTANCE, Patient,   true",
      "AUDITOR,      $access-report,       INSTANCE, Patient,   true",
      "PRACTITIONER, $access-report,       INSTANCE, Patient,   false",
      "SYSTEM,       $access-report,       INSTANCE, Patient,   false",
      "RESEARCHER,   $access-report,       INSTANCE, Patient,   false",
      "AUDITOR,      $access-report,       TYPE,     Patient,   false",
      "AUDITOR,      $access-report,       INSTANCE, Observation, false",
      "AUDITOR,      $audit-verify,        SERVER,   ,          true",
      "PATIENT,      $audit-verify,        SERVER,   ,          false",
      "PRACTITIONER, $audit-verify,        SERVER,   ,          false",
      "SYSTEM,       $audit-verify,        SERVER,   ,          false",
      "RESEARCHER,   $audit-verify,        SERVER,   ,          false",
      "AUDITOR,      $everything,          INSTANCE, Patient,   false",
      "AUDITOR,      $export,              SERVER,   ,          false",
      "AUDITOR,      $consent-decision,    SERVER,   ,          false",
      "AUDITOR,      $expand,              TYPE,     ValueSet,  true",
    })
    void admits(Kind kind, String name, Level level, String type, boolean admitted) {
      assertThat(ApiSurface.operation(kind, name, level, type).isPresent()).isEqualTo(admitted);
    }

    @Test
    void anAuditor_isOfferedTheAuditOperationsAndTerminologyOnly() {
      Set<String> offered =
          ApiSurface.OPERATIONS.stream()
              .filter(rule -> rule.kinds().contains(Kind.AUDITOR))
              .map(ApiSurface.OperationRule::name)
              .collect(Collectors.toSet());
      assertThat(offered)
          .containsExactlyInAnyOrder(
              "$access-report",
              "$audit-verify",
              "$expand",
              "$lookup",
              "$validate-code",
              "$subsumes",
              "$translate");
    }

    @Test
    void accessReport_takesSinceOnly_auditVerifyNothing_besidesFormat() {
      assertThat(
              ApiSurface.operation(Kind.PATIENT, "$access-report", Level.INSTANCE, "Patient")
                  .orElseThrow()
                  .parameters())
          .containsExactlyInAnyOrder("since", "_format", "_pretty", "_summary", "_elements");
      assertThat(
              ApiSurface.operation(Kind.AUDITOR, "$audit-verify", Level.SERVER, null)
                  .orElseThrow()
                  .parameters())
          .containsExactlyInAnyOrder("_format", "_pretty", "_summary", "_elements");
    }

    @Test
    void consentDecision_takesAResourceOrAPatient_withActorsAndPurpose() {
      for (Kind kind : List.of(Kind.PATIENT, Kind.SYSTEM)) {
        assertThat(
                ApiSurface.operation(kind, "$consent-decision", Level.SERVER, null)
                    .orElseThrow()
                    .parameters())
            .containsExactlyInAnyOrder(
                "resource",
                "patient",
                "actor",
                "purpose",
                "_format",
                "_pretty",
                "_summary",
                "_elements");
      }
    }
  }
}
