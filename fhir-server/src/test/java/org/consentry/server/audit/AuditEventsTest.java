package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.server.audit.AuditFixtures.ALICE;
import static org.consentry.server.audit.AuditFixtures.BASE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.DRSMITH_EMERGENCY;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.FHIR;
import static org.consentry.server.audit.AuditFixtures.INDEX;
import static org.consentry.server.audit.AuditFixtures.ISSUER;
import static org.consentry.server.audit.AuditFixtures.RITA;

import java.util.List;
import org.consentry.consent.Decision;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.junit.jupiter.api.Test;

/** Each builder's event conforms to its BALP profile, or to the BALP style where none exists. */
class AuditEventsTest {

  private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  private final AuditEvents events = new AuditEvents(null, ISSUER);
  private final AuditRequest drsmith = new AuditRequest(DRSMITH, "10.0.0.5", "req-9", BASE);

  private static Decision permit() {
    return new Decision(
        Decision.Outcome.PERMIT, "Consent/12", "provision", "alice permits treatment", false, null);
  }

  private static Decision deny() {
    return new Decision(
        Decision.Outcome.DENY,
        "Consent/12",
        "provision.provision[0]",
        "alice denies Org/3",
        false,
        null);
  }

  private static String json(AuditEvent event) {
    return FHIR.newJsonParser().encodeResourceToString(event);
  }

  private static AuditEventAgentComponent requestor(AuditEvent event) {
    return event.getAgent().stream()
        .filter(AuditEventAgentComponent::getRequestor)
        .findFirst()
        .get();
  }

  @Test
  void read_conformsToPatientRead_orRead_withBalpsClientAndServerCodes() {
    AuditEvent patientRead = events.read(drsmith, "read", "1", "Observation/5");
    BalpConformance.assertConforms(patientRead);
    assertThat(BalpConformance.profile(patientRead))
        .isEqualTo(
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead");
    assertThat(patientRead.getEntity())
        .extracting(e -> e.getWhat().getReference())
        .contains("Observation/5", "Patient/1");
    assertThat(requestor(patientRead).getWho().getReference()).isEqualTo("Practitioner/7");

    AuditEvent basicRead = events.read(drsmith, "vread", null, "Organization/3");
    BalpConformance.assertConforms(basicRead);
    assertThat(BalpConformance.profile(basicRead))
        .isEqualTo("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Read");
    assertThat(basicRead.hasText()).as("no placeholder narrative").isFalse();
  }

  @Test
  void query_conformsToPatientQuery_orQuery_queryProtectable() {
    AuditEvent patientQuery =
        events.query(drsmith, "search-type", "1", "GET", BASE + "/Observation?patient=Patient/1");
    new QueryProtection(INDEX).protect(patientQuery);
    BalpConformance.assertConforms(patientQuery);
    assertThat(BalpConformance.profile(patientQuery)).isEqualTo(AuditEvents.PATIENT_QUERY);

    AuditEvent query =
        events.query(drsmith, "search-type", null, "GET", BASE + "/Patient?name=Zebedee");
    new QueryProtection(INDEX).protect(query);
    BalpConformance.assertConforms(query);
    assertThat(json(query)).doesNotContain("Zebedee");
  }

  @Test
  void everything_isAPatientQuery_namingTheOperation_queryProtectable() {
    AuditEvent event =
        events.patientOperation(
            drsmith,
            "1",
            "$everything",
            "GET",
            BASE + "/Patient/1/$everything?_count=50&_since=2024-01-01");
    new QueryProtection(INDEX).protect(event);

    BalpConformance.assertConforms(event);
    assertThat(BalpConformance.profile(event)).isEqualTo(AuditEvents.PATIENT_QUERY);
    assertThat(event.getSubtype())
        .extracting("code")
        .contains("search", "operation", "$everything");
    assertThat(event.getEntity())
        .filteredOn(e -> e.hasQuery())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getDescription())
                    .isEqualTo(
                        "GET " + BASE + "/Patient/1/$everything?_count=50&_since=2024-01-01"));
    assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
  }

  @Test
  void exportDisclosure_conforms_recipientIsTheRequester() {
    AuditEvent event = events.exportDisclosure(drsmith, "1", "job-42");

    BalpConformance.assertConforms(event);
    assertThat(BalpConformance.profile(event)).isEqualTo(AuditEvents.PRIVACY_DISCLOSURE_SOURCE);
    assertThat(requestor(event).getWho().getReference()).isEqualTo("Practitioner/7");
    assertThat(requestor(event).getType().getCodingFirstRep().getCode()).isEqualTo("110152");
    assertThat(event.getEntity())
        .anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("job-42"));
  }

  @Test
  void researchDisclosure_namesTheStudy_neverTheResearcher() {
    AuditEvent event =
        events.researchDisclosure(
            new AuditRequest(RITA, "10.0.0.7", "req-3", BASE), "1", "ResearchStudy/s1", "job-7");

    BalpConformance.assertConforms(event);
    assertThat(requestor(event).getWho().getReference()).isEqualTo("ResearchStudy/s1");
    assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("HRESCH");
    assertThat(event.getType().getCode()).isEqualTo("110106");
    assertThat(json(event))
        .doesNotContain("sub-rita", "Practitioner/9", "research-app", "Organization/4");
  }

  @Test
  void authorization_permitAndDeny_conformToAuthZconsent() {
    AuditEvent permit = events.authorization(drsmith, "1", permit());
    AuditEvent deny = events.authorization(drsmith, "1", deny());

    BalpConformance.assertConforms(permit);
    BalpConformance.assertConforms(deny);
    assertThat(BalpConformance.profile(deny)).isEqualTo(AuditEvents.AUTHZ_CONSENT);
    assertThat(permit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(deny.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    assertThat(deny.getOutcomeDesc()).isEqualTo("alice denies Org/3");
    assertThat(deny.getEntity())
        .anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Consent/12"));
    assertThat(requestor(deny).getPurposeOfUseFirstRep().getCodingFirstRep().getCode())
        .isEqualTo("TREAT");
  }

  @Test
  void authorization_ofARequesterWithoutOrganization_lacksOnlyUserorg() {
    AuditEvent event =
        events.authorization(new AuditRequest(ALICE, "10.0.0.8", null, BASE), "1", permit());

    assertThat(BalpConformance.violations(event)).containsExactly("userorg agent 1..1, got 0");
  }

  @Test
  void authorization_withoutConsent_isAuthZRole_noProfile() {
    Decision byDefault =
        new Decision(Decision.Outcome.DENY, null, null, "deployment default: deny", false, null);
    AuditEvent event = events.authorization(drsmith, "1", byDefault);

    assertThat(BalpConformance.profile(event)).isNull();
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("AuthZ-Role");
    BalpConformance.assertStyled(event, DCM, "110113", true);
  }

  @Test
  void emergencyAccess_breakGlass_perPatient() {
    Decision override =
        new Decision(
            Decision.Outcome.PERMIT,
            "Consent/12",
            "provision",
            "emergency override of a deny",
            true,
            null);
    AuditEvent event =
        events.emergencyAccess(
            new AuditRequest(DRSMITH_EMERGENCY, "10.0.0.5", "req-5", BASE),
            "1",
            override,
            List.of("Observation/5", "Condition/8"));

    BalpConformance.assertStyled(event, DCM, "110113", true);
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("110127");
    assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("ETREAT");
    assertThat(requestor(event).getPurposeOfUse()).hasSize(1);
    assertThat(event.getEntity())
        .extracting(e -> e.getWhat().getReference())
        .contains("Patient/1", "Consent/12", "Observation/5", "Condition/8");
  }

  @Test
  void erasure_destroysTheDataKey_ofOnePatient() {
    AuditEvent event = events.erasure(new AuditRequest(ALICE, "10.0.0.8", "req-6", BASE), "1");

    BalpConformance.assertStyled(event, DCM, "110110", true);
    assertThat(event.getAction()).isEqualTo(AuditEvent.AuditEventAction.D);
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("destroy");
    assertThat(requestor(event).getWho().getReference()).isEqualTo("Patient/1");
  }

  @Test
  void keyOperations_withAndWithoutPatient_serverWorkNamesTheServer() {
    AuditEvent rotate =
        events.keyOperation(
            new AuditRequest(EHR, "10.0.0.9", "req-7", BASE),
            KeyOperation.ROTATE_MASTER_KEY,
            "kek v3",
            null,
            "412 data keys re-wrapped");
    AuditEvent dataKey =
        events.keyOperation(
            AuditRequest.background(null), KeyOperation.ROTATE_DATA_KEY, null, "1", null);

    BalpConformance.assertStyled(rotate, DCM, "110113", false);
    BalpConformance.assertStyled(dataKey, DCM, "110113", true);
    assertThat(rotate.getSubtype()).extracting("code").contains("110129", "rotate-master-key");
    assertThat(requestor(rotate).getWho().getIdentifier().getValue()).isEqualTo("ehr-system");
    assertThat(requestor(dataKey).getWho().getDisplay()).isEqualTo("Consentry FHIR server");
    assertThat(dataKey.getSource().getObserver().getDisplay()).isEqualTo("Consentry FHIR server");
    assertThat(rotate.getEntity())
        .anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("kek v3"));
  }
}
