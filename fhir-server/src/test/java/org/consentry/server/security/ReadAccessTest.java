package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requester kind x resource class -> whether the scopes (and the rule for resources of no patient)
 * let the resource through to the consent check. "yes" for an owned resource means consent decides
 * next; for a resource of no patient it is the final answer.
 */
class ReadAccessTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final PatientCompartment COMPARTMENT = new PatientCompartment(FHIR);
  private static final ReadAccess ACCESS = new ReadAccess();

  private static final Map<String, Requester> REQUESTERS = new LinkedHashMap<>();

  static {
    REQUESTERS.put("patient a", requester(Requester.Kind.PATIENT, "user-a", "a", "patient/*.read"));
    REQUESTERS.put("patient b", requester(Requester.Kind.PATIENT, "user-b", "b", "patient/*.read"));
    REQUESTERS.put(
        "practitioner", requester(Requester.Kind.PRACTITIONER, "dr", null, "user/*.read"));
    REQUESTERS.put("researcher", requester(Requester.Kind.RESEARCHER, "rita", null, "user/*.read"));
    REQUESTERS.put(
        "study export",
        new Requester(
            Requester.Kind.RESEARCHER,
            "rita",
            null,
            null,
            null,
            Set.of("ResearchStudy/s1"),
            Set.of("user/*.read"),
            "HRESCH",
            "app"));
    REQUESTERS.put("system", requester(Requester.Kind.SYSTEM, "ehr", null, "system/*.read"));
  }

  static Stream<Arguments> table() {
    return Stream.of(
        //  resource: patient a, patient b, practitioner, researcher (their own request), a
        //  researcher's study export (acting for ResearchStudy/s1), system
        row(
            "Observation of a",
            "{'resourceType':'Observation','subject':{'reference':'Patient/a'}}",
            true,
            false,
            true,
            false,
            true,
            true),
        row(
            "collection Bundle of b's Patient",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Patient','id':'b'}}]}",
            false,
            true,
            true,
            false,
            true,
            true),
        row(
            "Bundle of a and b",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Patient','id':'a'}},{'resource':{'resourceType':'Patient','id':'b'}}]}",
            true,
            true,
            true,
            false,
            true,
            true),
        row(
            "Binary of Patient a",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'reference':'Patient/a'}}",
            true,
            false,
            true,
            false,
            true,
            true),
        row(
            "Binary without security context",
            "{'resourceType':'Binary','contentType':'text/plain'}",
            false,
            false,
            false,
            false,
            false,
            true),
        row(
            "export file of the practitioner",
            "{'resourceType':'Binary','contentType':'application/fhir+ndjson','securityContext':{'identifier':{'system':'urn:consentry:export-requester','value':'dr'}}}",
            false,
            false,
            true,
            false,
            false,
            true),
        row(
            "Bundle of no patient's data",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Organization','name':'x'}}]}",
            false,
            false,
            false,
            false,
            false,
            true),
        row(
            "Observation without subject",
            "{'resourceType':'Observation','status':'final'}",
            false,
            false,
            false,
            false,
            false,
            true),
        row(
            "Subscription",
            "{'resourceType':'Subscription','status':'active','criteria':'Observation?'}",
            false,
            false,
            false,
            false,
            false,
            true),
        row(
            "Task for a",
            "{'resourceType':'Task','status':'ready','intent':'order','for':{'reference':'Patient/a'}}",
            true,
            false,
            true,
            false,
            true,
            true),
        row(
            "Organization",
            "{'resourceType':'Organization','name':'x'}",
            true,
            true,
            true,
            true,
            true,
            true),
        row(
            "Practitioner",
            "{'resourceType':'Practitioner','active':true}",
            true,
            true,
            true,
            true,
            true,
            true),
        row(
            "ValueSet",
            "{'resourceType':'ValueSet','status':'active'}",
            true,
            true,
            true,
            true,
            true,
            true),
        row(
            "Questionnaire",
            "{'resourceType':'Questionnaire','status':'active'}",
            true,
            true,
            true,
            true,
            true,
            true),
        row(
            "CareTeam without a patient",
            "{'resourceType':'CareTeam','name':'ward 3'}",
            true,
            true,
            true,
            true,
            true,
            true),
        row(
            "CareTeam of patient b",
            "{'resourceType':'CareTeam','subject':{'reference':'Patient/b'}}",
            false,
            true,
            true,
            false,
            true,
            true,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void reach_byRequesterKindAndResourceClass(
      String what, IBaseResource resource, Map<String, Boolean> expected) {
    Set<String> owners = COMPARTMENT.owners(resource);
    Map<String, Boolean> actual = new LinkedHashMap<>();
    REQUESTERS.forEach(
        (name, requester) -> actual.put(name, ACCESS.scopesReach(requester, resource, owners)));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void reach_directoryData_stillNeedsAScopeForItsType() {
    Requester observationsOnly =
        requester(Requester.Kind.PATIENT, "user-a", "a", "patient/Observation.read");
    IBaseResource organization = parse("{'resourceType':'Organization','name':'x'}");
    assertThat(ACCESS.scopesReach(observationsOnly, organization, Set.of())).isFalse();
  }

  /** An auditor's token as the realm issues it: role auditor, scope user/*.read. */
  private static final Requester AUDITOR =
      new Requester(
          Requester.Kind.AUDITOR,
          "audrey",
          null,
          null,
          null,
          Set.of(),
          Set.of("openid", "user/*.read"),
          "HOPERAT",
          "app");

  @ParameterizedTest(name = "{0}")
  @MethodSource("auditorTable")
  void auditor_reachesTheAuditTrail_neverPatientNorDirectoryData(String json, boolean reached) {
    IBaseResource resource = parse(json);
    assertThat(ACCESS.scopesReach(AUDITOR, resource, COMPARTMENT.owners(resource)))
        .isEqualTo(reached);
  }

  static Stream<Arguments> auditorTable() {
    return Stream.of(
        Arguments.of(
            "{'resourceType':'AuditEvent','recorded':'2026-11-28T10:00:00Z',"
                + "'entity':[{'what':{'reference':'Patient/a'}}]}",
            true),
        Arguments.of("{'resourceType':'Patient','id':'a'}", false),
        Arguments.of("{'resourceType':'Observation','subject':{'reference':'Patient/a'}}", false),
        Arguments.of("{'resourceType':'Consent','patient':{'reference':'Patient/a'}}", false),
        Arguments.of(
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':"
                + "{'resourceType':'Patient','id':'a'}}]}",
            false),
        Arguments.of("{'resourceType':'Observation','status':'final'}", false),
        Arguments.of("{'resourceType':'Organization','name':'x'}", false),
        Arguments.of("{'resourceType':'Practitioner','active':true}", false),
        Arguments.of("{'resourceType':'ValueSet','status':'active'}", false),
        Arguments.of("{'resourceType':'ResearchStudy','status':'active'}", false),
        Arguments.of(
            "{'resourceType':'Binary','contentType':'application/fhir+ndjson','securityContext':"
                + "{'identifier':{'system':'urn:consentry:export-requester','value':'audrey'}}}",
            false));
  }

  @Test
  void auditor_withoutAScopeForAuditEvent_reachesNothing() {
    Requester observationsOnly =
        new Requester(
            Requester.Kind.AUDITOR,
            "audrey",
            null,
            null,
            null,
            Set.of(),
            Set.of("user/Observation.read"),
            "HOPERAT",
            "app");
    IBaseResource event = parse("{'resourceType':'AuditEvent','recorded':'2026-11-28T10:00:00Z'}");
    assertThat(ACCESS.scopesReach(observationsOnly, event, Set.of())).isFalse();
  }

  private static Arguments row(String what, String json, boolean... visible) {
    Map<String, Boolean> expected = new LinkedHashMap<>();
    List<String> names = List.copyOf(REQUESTERS.keySet());
    for (int i = 0; i < names.size(); i++) {
      expected.put(names.get(i), visible[i]);
    }
    return Arguments.of(what, parse(json), expected);
  }

  private static Requester requester(
      Requester.Kind kind, String subject, String patient, String scope) {
    String purpose =
        switch (kind) {
          case PATIENT -> "PATRQT";
          case RESEARCHER -> "HRESCH";
          default -> "TREAT";
        };
    return new Requester(
        kind, subject, patient, null, null, Set.of(), Set.of(scope), purpose, "app");
  }

  private static IBaseResource parse(String json) {
    return FHIR.newJsonParser().parseResource(json.replace('\'', '"'));
  }
}
