package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import org.consentry.consent.Requester.Kind;
import org.consentry.server.door.ApiSurface.Level;
import org.junit.jupiter.api.Nested;
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
    })
    void admits(Kind kind, String name, Level level, String type, boolean admitted) {
      assertThat(ApiSurface.operation(kind, name, level, type).isPresent()).isEqualTo(admitted);
    }
  }
}
