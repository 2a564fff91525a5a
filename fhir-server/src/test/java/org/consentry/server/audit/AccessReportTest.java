package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.server.audit.AuditFixtures.ALICE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.DRSMITH_EMERGENCY;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.RITA;
import static org.consentry.server.audit.AuditFixtures.request;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.audit.AuditRecord;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.consentry.server.audit.AccessReport.Flag;
import org.consentry.server.audit.AccessReport.Group;
import org.consentry.server.consent.RequestStates;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Alice's ({@code Patient/1}) access report over events made as the server makes them (HAPI's BALP
 * capture and the trail's own builders, through {@link RecordingTrail}), each stored at a time the
 * test chooses: who saw what, grouped and said in plain words, emergencies, research and blocked
 * attempts flagged, and her own use left out.
 */
class AccessReportTest {

  private static final Map<String, String> NAMES =
      Map.of(
          "Practitioner/7", "Dr Jane Smith",
          "Organization/3", "Good Health Clinic",
          "ResearchStudy/s1", "research study \"Diabetes 2024\"");

  /** Dr Jones of an organization the directory does not know, for treatment. */
  private static final Requester DRJONES =
      new Requester(
          Requester.Kind.PRACTITIONER,
          "sub-drjones",
          null,
          "Practitioner/8",
          "Organization/5",
          Set.of("Practitioner/8", "Organization/5"),
          Set.of("user/*.read"),
          "TREAT",
          "ehr-app");

  /** Rita's research export, acting for study s1. */
  private static final Requester STUDY_EXPORT =
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

  private final RecordingTrail recording = new RecordingTrail();
  private final List<AccessReport.Stored> stored = new ArrayList<>();
  private final AccessReport report = new AccessReport(NAMES::get);

  /** What {@code action} appended, stored at {@code time} (ISO instant). */
  private void at(String time, Runnable action) {
    int before = recording.records.size();
    action.run();
    for (AuditRecord record : recording.records.subList(before, recording.records.size())) {
      stored.add(
          new AccessReport.Stored(
              Instant.parse(time), record.kind(), RecordingTrail.event(record)));
    }
  }

  private void read(Requester requester, Resource resource) {
    recording.serve(
        request(
            RestOperationTypeEnum.READ,
            requester,
            resource.getIdElement().toUnqualifiedVersionless().getValue(),
            Map.of()),
        resource);
  }

  private static Observation observation(String id) {
    Observation observation = new Observation();
    observation.setId("Observation/" + id);
    observation.setSubject(new Reference("Patient/1"));
    return observation;
  }

  private static Condition condition(String id) {
    Condition condition = new Condition();
    condition.setId("Condition/" + id);
    condition.setSubject(new Reference("Patient/1"));
    return condition;
  }

  private static Decision deny() {
    return new Decision(
        Decision.Outcome.DENY, "Consent/12", "provision.provision[0]", "denies Org/5", false, null);
  }

  private List<Group> groups() {
    return report.groups("1", stored);
  }

  private Group only(Flag flag) {
    List<Group> flagged = groups().stream().filter(g -> g.flag() == flag).toList();
    assertThat(flagged).as("groups flagged " + flag).hasSize(1);
    return flagged.get(0);
  }

  @Test
  void thePatientsOwnAccesses_areLeftOut() {
    Patient alice = new Patient();
    alice.setId("Patient/1");
    at("2026-11-28T09:00:00Z", () -> read(ALICE, alice));
    at("2026-11-28T09:01:00Z", () -> read(ALICE, observation("5")));

    assertThat(stored).hasSize(2);
    assertThat(groups()).isEmpty();
    assertThat(AccessReport.summary(groups()))
        .isEqualTo("Nobody else has accessed your record in this period.");
  }

  @Test
  void aPractitionersReads_areOneGroup_withCountTypesLastTimeOrganizationAndPurpose() {
    at("2026-11-28T10:00:00Z", () -> read(DRSMITH, observation("5")));
    at("2026-11-28T14:05:00Z", () -> read(DRSMITH, observation("6")));
    at("2026-11-28T11:30:00Z", () -> read(DRSMITH, condition("9")));
    at("2026-11-28T12:00:00Z", () -> read(ALICE, observation("5")));

    List<Group> groups = groups();

    assertThat(groups).singleElement();
    Group group = groups.get(0);
    assertThat(group.flag()).isEqualTo(Flag.ACCESS);
    assertThat(group.who()).isEqualTo("Dr Jane Smith");
    assertThat(group.organization()).isEqualTo("Good Health Clinic");
    assertThat(group.agent()).isEqualTo("Practitioner/7");
    assertThat(group.purpose()).isEqualTo("TREAT");
    assertThat(group.types()).isEqualTo(Map.of("Observation", 2, "Condition", 1));
    assertThat(group.count()).isEqualTo(3);
    assertThat(group.first()).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
    assertThat(group.last()).isEqualTo(Instant.parse("2026-11-28T14:05:00Z"));
    assertThat(group.sentence())
        .isEqualTo(
            "Dr Jane Smith (Good Health Clinic) read 1 Condition, 2 Observations, 3 times,"
                + " last on 28 Nov 2026 at 14:05 UTC, for treatment.");
    assertThat(AccessReport.summary(groups))
        .isEqualTo("1 person or organization accessed your record.");
  }

  @Test
  void anotherWayOrPurpose_isAnotherGroup_newestFirst() {
    at("2026-11-28T10:00:00Z", () -> read(DRSMITH, observation("5")));
    at(
        "2026-11-29T08:15:00Z",
        () ->
            recording.serve(
                request(RestOperationTypeEnum.SEARCH_TYPE, DRSMITH, "Observation", Map.of()),
                observation("5"),
                observation("6")));
    at("2026-11-27T16:00:00Z", () -> read(DRSMITH_EMERGENCY, observation("6")));

    assertThat(groups())
        .extracting(Group::sentence)
        .containsExactly(
            "Dr Jane Smith (Good Health Clinic) searched your record, once,"
                + " last on 29 Nov 2026 at 08:15 UTC, for treatment.",
            "Dr Jane Smith (Good Health Clinic) read 1 Observation, once,"
                + " last on 28 Nov 2026 at 10:00 UTC, for treatment.",
            "Dr Jane Smith (Good Health Clinic) read 1 Observation, once,"
                + " last on 27 Nov 2026 at 16:00 UTC, for emergency treatment.");
  }

  @Test
  void emergencyAccess_isFlagged_andStandsOutInTheSummary() {
    at(
        "2026-11-28T03:12:00Z",
        () -> {
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
          recording.serve(emergency, observation("5"));
        });

    Group emergency = only(Flag.EMERGENCY);
    assertThat(emergency.purpose()).isEqualTo("ETREAT");
    assertThat(emergency.sentence())
        .isEqualTo(
            "EMERGENCY ACCESS: Dr Jane Smith (Good Health Clinic) used emergency access to open"
                + " your record, once, last on 28 Nov 2026 at 03:12 UTC, for emergency treatment.");
    assertThat(groups()).extracting(Group::flag).containsOnly(Flag.EMERGENCY, Flag.ACCESS);
    assertThat(only(Flag.ACCESS).sentence()).doesNotStartWith("EMERGENCY");
    assertThat(AccessReport.summary(groups()))
        .isEqualTo(
            "1 person or organization accessed your record."
                + " Emergency access was used (1 case): see below.");
  }

  @Test
  void researchDisclosure_namesTheStudy_neverTheResearcher() {
    at(
        "2026-11-20T18:00:00Z",
        () ->
            recording.trail.researchDisclosures(
                STUDY_EXPORT, "ResearchStudy/s1", "job-7", List.of("1")));

    Group research = only(Flag.RESEARCH);
    assertThat(research.who()).isEqualTo("research study \"Diabetes 2024\"");
    assertThat(research.agent()).isEqualTo("ResearchStudy/s1");
    assertThat(research.organization()).isEmpty();
    assertThat(research.sentence())
        .isEqualTo(
            "research study \"Diabetes 2024\" received de-identified data from your record, once,"
                + " last on 20 Nov 2026 at 18:00 UTC, for research.");
    assertThat(research.toString())
        .doesNotContain("rita", "Practitioner/9", "Organization/4", "research-app");
    assertThat(AccessReport.summary(groups()))
        .isEqualTo(
            "1 person or organization accessed your record."
                + " Your de-identified data was disclosed to research.");
  }

  @Test
  void attemptsTheirConsentBlocked_areFlagged_counted_andNotCountedAsAccess() {
    for (String time : List.of("2026-11-28T09:00:00Z", "2026-11-28T09:30:00Z")) {
      at(
          time,
          () -> {
            ServletRequestDetails blocked =
                request(RestOperationTypeEnum.READ, DRJONES, "Observation/5", Map.of());
            RequestStates.decidedByConsent(blocked, "1", deny());
            recording.serve(blocked);
          });
    }

    Group blocked = only(Flag.BLOCKED);
    assertThat(blocked.count()).isEqualTo(2);
    assertThat(blocked.sentence())
        .isEqualTo(
            "Practitioner/8 (Organization/5) was blocked by your consent from seeing your record,"
                + " 2 times, last on 28 Nov 2026 at 09:30 UTC.");
    assertThat(AccessReport.summary(groups()))
        .isEqualTo(
            "Nobody else has accessed your record in this period."
                + " Your consent blocked 2 attempts to see your data.");

    at("2026-11-28T10:00:00Z", () -> read(DRSMITH, observation("5")));
    assertThat(AccessReport.summary(groups()))
        .isEqualTo(
            "1 person or organization accessed your record."
                + " Your consent blocked 2 attempts to see your data.");
  }

  @Test
  void aPermitByTheirConsent_isNotListedTwice_theAccessItAllowedIs() {
    at(
        "2026-11-28T10:00:00Z",
        () -> {
          ServletRequestDetails allowed =
              request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of());
          RequestStates.decidedByConsent(
              allowed,
              "1",
              new Decision(
                  Decision.Outcome.PERMIT, "Consent/12", "provision", "permits", false, null));
          recording.serve(allowed, observation("5"));
        });

    assertThat(groups())
        .extracting(Group::flag, Group::verb)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Flag.ACCESS, "read"));
    assertThat(AccessReport.summary(groups()))
        .isEqualTo("1 person or organization accessed your record.");
  }

  @Test
  void namesUnknownToTheDirectory_fallBackToTheReferenceOrTheAgentsDisplay() {
    at("2026-11-28T10:00:00Z", () -> read(DRJONES, observation("5")));
    at("2026-11-28T11:00:00Z", () -> read(EHR, observation("6")));
    AuditEvent nobody = new AuditEvent();
    nobody.addEntity().getWhat().setReference("Observation/7");
    stored.add(new AccessReport.Stored(Instant.parse("2026-11-28T12:00:00Z"), "read", nobody));

    assertThat(groups())
        .extracting(Group::sentence)
        .containsExactly(
            "Someone read your record, once, last on 28 Nov 2026 at 12:00 UTC.",
            "system client ehr-system read 1 Observation, once,"
                + " last on 28 Nov 2026 at 11:00 UTC, for treatment.",
            "Practitioner/8 (Organization/5) read 1 Observation, once,"
                + " last on 28 Nov 2026 at 10:00 UTC, for treatment.");
    assertThat(AccessReport.summary(groups()))
        .isEqualTo("3 people or organizations accessed your record.");
  }

  @Test
  void purposeWords() {
    assertThat(AccessReport.purposeWords("TREAT")).isEqualTo("for treatment");
    assertThat(AccessReport.purposeWords("ETREAT")).isEqualTo("for emergency treatment");
    assertThat(AccessReport.purposeWords("HRESCH")).isEqualTo("for research");
    assertThat(AccessReport.purposeWords("PATRQT")).isEqualTo("at your request");
    assertThat(AccessReport.purposeWords("CAREMGT")).isEqualTo("for purpose CAREMGT");
    assertThat(AccessReport.purposeWords("")).isEmpty();
  }
}
