package org.consentry.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.consent.Fixtures.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.consentry.consent.Fixtures.P;
import org.hl7.fhir.r4.model.Consent.ConsentDataMeaning;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table per provision element. Each row is one Consent whose root provision denies under the
 * given criteria: "denied" means the criteria matched, "default" means the Consent did not apply
 * and the treatment default (permit, no Consent cited) decided.
 */
class ProvisionCriteriaTest {

  private static final ConsentEngine ENGINE = engine();
  private static final boolean DENIED = true;
  private static final boolean DEFAULT = false;

  private static void check(P provision, Requester requester, Resource resource, boolean denied) {
    check(provision, requester, resource, denied, ReferenceResolver.none());
  }

  private static void check(
      P provision,
      Requester requester,
      Resource resource,
      boolean denied,
      ReferenceResolver resolver) {
    PatientConsents consents = ENGINE.compile(PATIENT, List.of(consent("c1", provision)), resolver);
    Decision decision = ENGINE.decide(requester, resource, consents);
    if (denied) {
      assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
      assertThat(decision.consentId()).isEqualTo("Consent/c1");
    } else {
      assertThat(decision.consentId()).as(decision.reason()).isNull();
      assertThat(decision.outcome()).isEqualTo(Decision.Outcome.PERMIT);
    }
  }

  @Nested
  class Actor {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments(
              "practitioner named",
              deny().actor("Practitioner/7"),
              practitioner("Practitioner/7"),
              DENIED),
          arguments(
              "another practitioner",
              deny().actor("Practitioner/7"),
              practitioner("Practitioner/8"),
              DEFAULT),
          arguments(
              "absolute reference to the practitioner",
              deny().actor("https://ehr.example/fhir/Practitioner/7"),
              practitioner("Practitioner/7"),
              DENIED),
          arguments(
              "versioned reference to the practitioner",
              deny().actor("Practitioner/7/_history/3"),
              practitioner("Practitioner/7"),
              DENIED),
          arguments(
              "requester's organization",
              deny().actor("Organization/3"),
              practitioner("Practitioner/8"),
              DENIED),
          arguments(
              "another organization",
              deny().actor("Organization/4"),
              practitioner("Practitioner/8"),
              DEFAULT),
          arguments(
              "system client of the organization",
              deny().actor("Organization/4"),
              system("TREAT", "Organization/4"),
              DENIED),
          arguments(
              "PractitionerRole the requester acts in",
              deny().actor("PractitionerRole/4"),
              practitioner("TREAT", "Practitioner/8", "PractitionerRole/4"),
              DENIED),
          arguments(
              "PractitionerRole not held",
              deny().actor("PractitionerRole/4"),
              practitioner("TREAT", "Practitioner/8", "PractitionerRole/5"),
              DEFAULT),
          arguments(
              "CareTeam member",
              deny().actor("CareTeam/5"),
              practitioner("TREAT", "Practitioner/8", "CareTeam/5"),
              DENIED),
          arguments(
              "not a CareTeam member",
              deny().actor("CareTeam/5"),
              practitioner("Practitioner/8"),
              DEFAULT),
          arguments(
              "RelatedPerson",
              deny().actor("RelatedPerson/2"),
              practitioner("TREAT", "Practitioner/8", "RelatedPerson/2"),
              DENIED),
          arguments(
              "Group member",
              deny().actor("Group/9"),
              practitioner("TREAT", "Practitioner/8", "Group/9"),
              DENIED),
          arguments(
              "any of several actors",
              deny().actor("Practitioner/1").actor("Group/9"),
              practitioner("TREAT", "Practitioner/8", "Group/9"),
              DENIED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void actor_decides(String scenario, P provision, Requester requester, boolean denied) {
      check(provision, requester, observation("o1"), denied);
    }
  }

  @Nested
  class Action {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments(
              "read is access", deny().action("access"), practitioner("Practitioner/7"), DENIED),
          arguments(
              "read is not use", deny().action("use"), practitioner("Practitioner/7"), DEFAULT),
          arguments(
              "read is not disclose",
              deny().action("disclose"),
              practitioner("Practitioner/7"),
              DEFAULT),
          arguments(
              "access among several",
              deny().action("collect").action("access"),
              practitioner("Practitioner/7"),
              DENIED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void action_decides(String scenario, P provision, Requester requester, boolean denied) {
      check(provision, requester, observation("o1"), denied);
    }
  }

  @Nested
  class Purpose {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments(
              "same purpose", deny().purpose("TREAT"), system("TREAT", "Organization/3"), DENIED),
          arguments(
              "COC is-a TREAT", deny().purpose("TREAT"), system("COC", "Organization/3"), DENIED),
          arguments(
              "ETREAT is-a TREAT",
              deny().purpose("TREAT"),
              system("ETREAT", "Organization/3"),
              DENIED),
          arguments(
              "BTG is-a ETREAT is-a TREAT",
              deny().purpose("TREAT"),
              system("BTG", "Organization/3"),
              DENIED),
          arguments(
              "CLINTRL is-a TREAT",
              deny().purpose("TREAT"),
              system("CLINTRL", "Organization/3"),
              DENIED),
          arguments(
              "TREAT is not ETREAT",
              deny().purpose("ETREAT"),
              system("TREAT", "Organization/3"),
              DEFAULT),
          arguments(
              "HPAYMT is not TREAT",
              deny().purpose("TREAT"),
              system("HPAYMT", "Organization/3"),
              DEFAULT),
          arguments(
              "COVAUTH is-a HPAYMT",
              deny().purpose("HPAYMT"),
              system("COVAUTH", "Organization/3"),
              DENIED),
          arguments(
              "HRESCH is not under HOPERAT",
              deny().purpose("HOPERAT"),
              system("HRESCH", "Organization/3"),
              DEFAULT),
          arguments(
              "TREAT is not under HOPERAT",
              deny().purpose("HOPERAT"),
              system("TREAT", "Organization/3"),
              DEFAULT),
          arguments(
              "one of several purposes",
              deny().purpose("HPAYMT").purpose("TREAT"),
              system("TREAT", "Organization/3"),
              DENIED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void purpose_decides(String scenario, P provision, Requester requester, boolean denied) {
      PatientConsents consents = ENGINE.compile(PATIENT, List.of(consent("c1", provision)));
      Decision decision = ENGINE.decide(requester, observation("o1"), consents);
      assertThat(decision.consentId() != null).isEqualTo(denied);
      if (denied) {
        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.DENY);
      }
    }
  }

  @Nested
  class SecurityLabel {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments("labelled PSY", deny().label("PSY"), labelled("PSY"), DENIED),
          arguments("labelled ETH only", deny().label("PSY"), labelled("ETH"), DEFAULT),
          arguments("no labels at all", deny().label("PSY"), observation("o1"), DEFAULT),
          arguments(
              "any of several labels", deny().label("HIV").label("ETH"), labelled("ETH"), DENIED),
          arguments(
              "same code, other system",
              deny().label("http://example.org/labels", "PSY"),
              labelled("PSY"),
              DEFAULT),
          arguments(
              "confidentiality R",
              deny().label("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
              withConfidentiality("R"),
              DENIED),
          arguments(
              "confidentiality N is not R",
              deny().label("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
              withConfidentiality("N"),
              DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void securityLabel_decides(String scenario, P provision, Resource resource, boolean denied) {
      check(provision, practitioner("Practitioner/7"), resource, denied);
    }

    static Resource withConfidentiality(String level) {
      Resource resource = observation("o-conf");
      resource
          .getMeta()
          .addSecurity(
              new org.hl7.fhir.r4.model.Coding(
                  "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", level, null));
      return resource;
    }
  }

  @Nested
  class ResourceClass {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments(
              "Observation listed", deny().resourceClass("Observation"), observation("o1"), DENIED),
          arguments(
              "Condition not listed",
              deny().resourceClass("Observation"),
              condition(SNOMED, "1"),
              DEFAULT),
          arguments(
              "one of several",
              deny().resourceClass("Condition").resourceClass("Immunization"),
              immunization("08"),
              DENIED),
          arguments(
              "code without system",
              deny().resourceClass(null, "Observation"),
              observation("o1"),
              DENIED),
          arguments(
              "format code of another system",
              deny().resourceClass("urn:ihe:pcc", "Observation"),
              observation("o1"),
              DEFAULT),
          arguments(
              "not a resource type",
              deny().resourceClass("urn:ihe:pcc:xphr:2007"),
              observation("o1"),
              DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void class_decides(String scenario, P provision, Resource resource, boolean denied) {
      check(provision, practitioner("Practitioner/7"), resource, denied);
    }
  }

  @Nested
  class Code {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments(
              "Condition.code",
              deny().code(SNOMED, "35489007"),
              condition(SNOMED, "35489007"),
              DENIED),
          arguments(
              "other Condition.code",
              deny().code(SNOMED, "35489007"),
              condition(SNOMED, "38341003"),
              DEFAULT),
          arguments(
              "same code, other system",
              deny().code(SNOMED, "35489007"),
              condition("http://hl7.org/fhir/sid/icd-10", "35489007"),
              DEFAULT),
          arguments(
              "listed code without system matches any system",
              deny().code(null, "35489007"),
              condition("http://hl7.org/fhir/sid/icd-10", "35489007"),
              DENIED),
          arguments("Observation.code", deny().code(LOINC, "8867-4"), observation("o1"), DENIED),
          arguments(
              "MedicationRequest.medicationCodeableConcept",
              deny().code(RXNORM, "197361"),
              medication(RXNORM, "197361"),
              DENIED),
          arguments("Immunization.vaccineCode", deny().code(CVX, "08"), immunization("08"), DENIED),
          arguments(
              "Encounter.type",
              deny().code(SNOMED, "185349003"),
              encounter("e1", "185349003", null, null),
              DENIED),
          arguments(
              "Procedure.code",
              deny().code(SNOMED, "80146002"),
              procedure("80146002", null),
              DENIED),
          arguments(
              "AllergyIntolerance.code",
              deny().code(SNOMED, "91936005"),
              allergy("91936005"),
              DENIED),
          arguments("DiagnosticReport.code", deny().code(LOINC, "58410-2"), report("r1"), DENIED),
          arguments(
              "a resource without code", deny().code(LOINC, "8867-4"), patientResource(), DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void code_decides(String scenario, P provision, Resource resource, boolean denied) {
      check(provision, practitioner("Practitioner/7"), resource, denied);
    }
  }

  @Nested
  class DataPeriod {
    static Stream<Arguments> table() {
      P year2020 = deny().dataPeriod("2020-01-01", "2020-12-31");
      return Stream.of(
          arguments("effective inside", year2020, effective("2020-06-01T10:00:00Z"), DENIED),
          arguments("effective after", year2020, effective("2021-01-01T10:00:00Z"), DEFAULT),
          arguments("effective before", year2020, effective("2019-12-31T10:00:00Z"), DEFAULT),
          arguments(
              "on the last day (inclusive end)",
              year2020,
              effective("2020-12-31T23:00:00"),
              DENIED),
          arguments("issued when no effective", year2020, issued("2020-03-03T10:00:00Z"), DENIED),
          arguments("no clinical date", year2020, observation("o1"), DEFAULT),
          arguments(
              "Encounter period overlapping the start",
              year2020,
              encounter("e1", null, "2019-12-20", "2020-01-05"),
              DENIED),
          arguments(
              "Encounter period before",
              year2020,
              encounter("e1", null, "2019-11-01", "2019-11-05"),
              DEFAULT),
          arguments("Condition onset before", year2020, conditionOnset("2019-05-01"), DEFAULT),
          arguments("Condition onset inside", year2020, conditionOnset("2020-05-01"), DENIED),
          arguments(
              "Procedure performed inside", year2020, procedure("80146002", "2020-02-02"), DENIED),
          arguments(
              "open start, data before the end",
              deny().dataPeriod(null, "2020-12-31"),
              effective("1999-01-01"),
              DENIED),
          arguments("Patient has no clinical date", year2020, patientResource(), DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void dataPeriod_decides(String scenario, P provision, Resource resource, boolean denied) {
      check(provision, practitioner("Practitioner/7"), resource, denied);
    }
  }

  @Nested
  class Period {
    static Stream<Arguments> table() {
      return Stream.of(
          arguments("now inside", deny().period("2025-01-01", "2025-12-31"), DENIED),
          arguments("ended yesterday", deny().period("2025-01-01", "2025-06-14"), DEFAULT),
          arguments("ends today (inclusive)", deny().period("2025-01-01", "2025-06-15"), DENIED),
          arguments("starts tomorrow", deny().period("2025-06-16", null), DEFAULT),
          arguments("open end", deny().period("2020-01-01", null), DENIED),
          arguments(
              "nested period over",
              permit().nest(deny().period("2024-01-01", "2024-12-31")),
              DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void period_decides(String scenario, P provision, boolean denied) {
      PatientConsents consents = ENGINE.compile(PATIENT, List.of(consent("c1", provision)));
      Decision decision =
          ENGINE.decide(practitioner("Practitioner/7"), observation("o1"), consents);
      assertThat(decision.outcome() == Decision.Outcome.DENY)
          .as(decision.reason())
          .isEqualTo(denied);
    }
  }

  @Nested
  class Data {
    static final Map<String, Resource> STORE =
        Map.of("DiagnosticReport/r1", report("r1", "Observation/o1"));
    static final ReferenceResolver RESOLVER =
        reference -> Optional.ofNullable(STORE.get(reference));

    static Stream<Arguments> table() {
      P instance = deny().data(ConsentDataMeaning.INSTANCE, "Observation/o1");
      P related = deny().data(ConsentDataMeaning.RELATED, "DiagnosticReport/r1");
      P dependents = deny().data(ConsentDataMeaning.DEPENDENTS, "Encounter/e1");
      P authoredBy = deny().data(ConsentDataMeaning.AUTHOREDBY, "Practitioner/9");
      return Stream.of(
          arguments("instance: that resource", instance, observation("o1"), RESOLVER, DENIED),
          arguments("instance: another resource", instance, observation("o2"), RESOLVER, DEFAULT),
          arguments(
              "instance: same id, other type",
              instance,
              withId(condition(SNOMED, "1"), "o1"),
              RESOLVER,
              DEFAULT),
          arguments("related: the report itself", related, report("r1"), RESOLVER, DENIED),
          arguments("related: a result it refers to", related, observation("o1"), RESOLVER, DENIED),
          arguments(
              "related: an unrelated observation", related, observation("o2"), RESOLVER, DEFAULT),
          arguments(
              "related without resolver: only the report",
              related,
              observation("o1"),
              ReferenceResolver.none(),
              DEFAULT),
          arguments(
              "dependents: the encounter itself",
              dependents,
              encounter("e1", null, null, null),
              RESOLVER,
              DENIED),
          arguments(
              "dependents: observation in that encounter",
              dependents,
              inEncounter("o3", "Encounter/e1"),
              RESOLVER,
              DENIED),
          arguments(
              "dependents: observation in another encounter",
              dependents,
              inEncounter("o3", "Encounter/e2"),
              RESOLVER,
              DEFAULT),
          arguments(
              "authoredby: observation performed by",
              authoredBy,
              performedBy("Practitioner/9"),
              RESOLVER,
              DENIED),
          arguments(
              "authoredby: performed by another",
              authoredBy,
              performedBy("Practitioner/8"),
              RESOLVER,
              DEFAULT),
          arguments(
              "authoredby: condition recorded by",
              authoredBy,
              recordedBy("Practitioner/9"),
              RESOLVER,
              DENIED),
          arguments(
              "authoredby: the author itself is not authored",
              authoredBy,
              observation("o9"),
              RESOLVER,
              DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void data_decides(
        String scenario,
        P provision,
        Resource resource,
        ReferenceResolver resolver,
        boolean denied) {
      check(provision, practitioner("Practitioner/7"), resource, denied, resolver);
    }
  }
}
