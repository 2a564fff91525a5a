package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.consentry.server.audit.AuditFixtures.ALICE;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.FHIR;
import static org.consentry.server.audit.AuditFixtures.INDEX;
import static org.consentry.server.audit.AuditFixtures.ISSUER;
import static org.consentry.server.audit.AuditFixtures.request;

import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * HAPI's BalpAuditCaptureInterceptor driven through its hooks with {@link BalpContext}: each
 * RESTful event, once enriched, conforms to its BALP profile and names who, whom, what and why.
 */
class HapiBalpEventsTest {

  private final List<AuditEvent> events = new ArrayList<>();
  private final BalpAuditCaptureInterceptor interceptor =
      new BalpAuditCaptureInterceptor(events::add, new BalpContext(ISSUER));
  private final InterceptorService hooks = new InterceptorService();

  HapiBalpEventsTest() {
    hooks.registerInterceptor(interceptor);
  }

  private static Observation observation() {
    Observation observation = new Observation();
    observation.setId("Observation/5/_history/2");
    observation.setSubject(new Reference("Patient/1"));
    return observation;
  }

  private void show(ServletRequestDetails request, IBaseResource... resources) {
    IPreResourceShowDetails details = new SimplePreResourceShowDetails(List.of(resources));
    hooks.callHooks(
        Pointcut.STORAGE_PRESHOW_RESOURCES,
        new HookParams()
            .add(IPreResourceShowDetails.class, details)
            .add(RequestDetails.class, request)
            .add(ServletRequestDetails.class, request));
  }

  private AuditEvent only(Requester requester) {
    assertThat(events).hasSize(1);
    return AuditEnrichment.enrich(events.get(0), requester);
  }

  @Test
  void patientRead_conforms_namesUserClientOrganizationPurpose_relativeIds() {
    show(request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()), observation());

    AuditEvent event = only(DRSMITH);

    BalpConformance.assertConforms(event);
    assertThat(BalpConformance.profile(event)).endsWith("IHE.BasicAudit.PatientRead");
    AuditEventAgentComponent user =
        event.getAgent().stream().filter(AuditEventAgentComponent::getRequestor).findFirst().get();
    assertThat(user.getWho().getReference()).isEqualTo("Practitioner/7");
    assertThat(user.getWho().getIdentifier().getSystem()).isEqualTo(ISSUER);
    assertThat(user.getWho().getIdentifier().getValue()).isEqualTo("sub-drsmith");
    assertThat(user.getPurposeOfUseFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
    assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");
    assertThat(event.getAgent())
        .anySatisfy(a -> assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("ehr-app"))
        .anySatisfy(
            a -> {
              assertThat(a.getType().getCodingFirstRep().getCode()).isEqualTo("PROV");
              assertThat(a.getWho().getReference()).isEqualTo("Organization/3");
              assertThat(a.getRequestor()).isFalse();
            });
    assertThat(event.getEntity())
        .extracting(e -> e.getWhat().getReference())
        .contains("Observation/5", "Patient/1");
  }

  @Test
  void hapiRead_swapsClientAndServerCodes_enrichmentCorrectsThem() {
    show(request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()), observation());

    assertThat(BalpConformance.violations(events.get(0)))
        .contains("server who must be the observer", "client who must not be the observer");
    BalpConformance.assertConforms(AuditEnrichment.enrich(events.get(0), DRSMITH));
  }

  @Test
  void basicRead_ofAnOrganization_conforms() {
    Organization organization = new Organization();
    organization.setId("Organization/3");
    show(request(RestOperationTypeEnum.VREAD, DRSMITH, "Organization/3", Map.of()), organization);

    AuditEvent event = only(DRSMITH);

    BalpConformance.assertConforms(event);
    assertThat(BalpConformance.profile(event)).endsWith("IHE.BasicAudit.Read");
  }

  @Test
  void patientReadsOwnRecord_userIsThePatient() {
    Patient patient = new Patient();
    patient.setId("Patient/1/_history/4");
    show(request(RestOperationTypeEnum.READ, ALICE, "Patient/1", Map.of()), patient);

    AuditEvent event = only(ALICE);

    BalpConformance.assertConforms(event);
    AuditEventAgentComponent user =
        event.getAgent().stream().filter(AuditEventAgentComponent::getRequestor).findFirst().get();
    assertThat(user.getWho().getReference()).isEqualTo("Patient/1");
    assertThat(user.getType().getCoding()).extracting("code").contains("IRCP", "PAT");
    assertThat(event.getEntity()).extracting(e -> e.getWhat().getReference()).contains("Patient/1");
  }

  @Test
  void patientQuery_onePerPatient_conforms_queryProtected() {
    Map<String, String[]> parameters = new LinkedHashMap<>();
    parameters.put(
        "subject:Patient.identifier", new String[] {"http://hl7.org/fhir/sid/us-ssn|999-41-3819"});
    parameters.put("_count", new String[] {"10"});
    Observation other = observation();
    other.setId("Observation/6");
    other.setSubject(new Reference("Patient/2"));
    show(
        request(RestOperationTypeEnum.SEARCH_TYPE, EHR, "Observation", parameters),
        observation(),
        other);

    assertThat(events).hasSize(2);
    QueryProtection protection = new QueryProtection(INDEX);
    for (AuditEvent event : events) {
      AuditEnrichment.enrich(event, EHR);
      protection.protect(event);
      BalpConformance.assertConforms(event);
      assertThat(BalpConformance.profile(event)).endsWith("IHE.BasicAudit.PatientQuery");
      String stored = FHIR.newJsonParser().encodeResourceToString(event);
      AuditEvent.AuditEventEntityComponent query =
          event.getEntity().stream()
              .filter(AuditEvent.AuditEventEntityComponent::hasQuery)
              .findFirst()
              .get();
      String url = new String(query.getQuery(), StandardCharsets.UTF_8);
      assertThat(stored).doesNotContain("999-41-3819");
      assertThat(url).doesNotContain("999-41-3819").contains("_count=10");
      assertThat(query.getDescription()).startsWith("GET ").doesNotContain("999-41-3819");
    }
    assertThat(events)
        .extracting(
            e ->
                e.getEntity().stream()
                    .filter(en -> en.getType().getCode().equals("1"))
                    .findFirst()
                    .get()
                    .getWhat()
                    .getReference())
        .containsExactlyInAnyOrder("Patient/1", "Patient/2");
  }

  @Test
  void createUpdateDelete_conform_userIsAuthor() {
    ServletRequestDetails create =
        request(RestOperationTypeEnum.CREATE, DRSMITH, "Observation", Map.of());
    interceptor.hookStoragePrecommitResourceCreated(observation(), create);
    interceptor.hookStoragePrecommitResourceUpdated(
        observation(),
        observation(),
        request(RestOperationTypeEnum.UPDATE, DRSMITH, "Observation/5", Map.of()));
    interceptor.hookStoragePrecommitResourceDeleted(
        observation(), request(RestOperationTypeEnum.DELETE, DRSMITH, "Observation/5", Map.of()));

    assertThat(events).hasSize(3);
    assertThat(events)
        .extracting(BalpConformance::profile)
        .containsExactly(
            BalpConformance.P + "PatientCreate",
            BalpConformance.P + "PatientUpdate",
            BalpConformance.P + "PatientDelete");
    for (AuditEvent event : events) {
      AuditEnrichment.enrich(event, DRSMITH);
      BalpConformance.assertConforms(event);
      assertThat(event.getAgent())
          .filteredOn(AuditEventAgentComponent::getRequestor)
          .singleElement()
          .satisfies(u -> assertThat(u.getType().getCodingFirstRep().getCode()).isEqualTo("AUT"));
    }
  }

  @Test
  void consentDecision_isAnEntityOfTypeConsent_onceOnly() {
    show(request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of()), observation());
    Decision decision =
        new Decision(
            Decision.Outcome.PERMIT,
            "Consent/12",
            "provision.provision[1]",
            "permitted for treatment",
            false,
            null);

    AuditEvent event = only(DRSMITH);
    AuditEnrichment.addConsentDecision(event, decision);
    AuditEnrichment.addConsentDecision(event, decision);
    AuditEnrichment.enrich(event, DRSMITH);

    BalpConformance.assertConforms(event);
    assertThat(event.getEntity())
        .filteredOn(e -> "Consent".equals(e.getType().getCode()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType().getSystem()).isEqualTo("http://hl7.org/fhir/resource-types");
              assertThat(e.getWhat().getReference()).isEqualTo("Consent/12");
              assertThat(e.getDetailFirstRep().getValueStringType().getValue())
                  .isEqualTo("provision.provision[1]");
            });
    assertThat(event.getAgent())
        .filteredOn(a -> a.getType().getCodingFirstRep().getCode().equals("PROV"))
        .hasSize(1);
  }

  @Test
  void noConsentDecided_addsNothing() {
    AuditEvent event = new AuditEvent();
    AuditEnrichment.addConsentDecision(
        event, new Decision(Decision.Outcome.PERMIT, null, null, "own record", false, null));
    assertThat(event.getEntity()).isEmpty();
  }

  @Test
  void httpRequestWithoutRequester_failsClosed() {
    ServletRequestDetails anonymous =
        request(RestOperationTypeEnum.READ, null, "Observation/5", Map.of());
    assertThatThrownBy(() -> show(anonymous, observation()))
        .isInstanceOf(AuthenticationException.class);
    assertThat(events).isEmpty();
  }
}
