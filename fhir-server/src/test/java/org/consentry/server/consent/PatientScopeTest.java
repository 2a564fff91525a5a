package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.searchparam.registry.ReadOnlySearchParamCache;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParameterCanonicalizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which searches their own parameters limit to a few patients, and which they do not. */
class PatientScopeTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /** The parameters as HAPI's search parameter registry holds them (shared ones included). */
  private static final ReadOnlySearchParamCache REGISTRY =
      ReadOnlySearchParamCache.fromFhirContext(FHIR, new SearchParameterCanonicalizer(FHIR));

  private final PatientScope scope =
      new PatientScope(
          FHIR,
          (type, name) ->
              REGISTRY
                  .getSearchParamStream()
                  .filter(p -> p.getName().equals(name) && p.getBase().contains(type))
                  .findFirst()
                  .orElse(null));

  private Optional<Set<String>> patients(String type, String... nameValues) {
    Map<String, String[]> parameters = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      parameters.merge(
          nameValues[i],
          new String[] {nameValues[i + 1]},
          (a, b) -> {
            String[] all = java.util.Arrays.copyOf(a, a.length + 1);
            all[a.length] = b[0];
            return all;
          });
    }
    return scope.patients(type, parameters);
  }

  @Test
  void patientParameters_limitToTheirPatients() {
    assertThat(patients("Observation", "patient", "p1")).contains(Set.of("p1"));
    assertThat(patients("Observation", "patient", "Patient/p1")).contains(Set.of("p1"));
    assertThat(patients("Observation", "patient", "p1,Patient/p2")).contains(Set.of("p1", "p2"));
    assertThat(patients("Observation", "subject", "Patient/p1")).contains(Set.of("p1"));
    assertThat(patients("Observation", "subject:Patient", "p1")).contains(Set.of("p1"));
    assertThat(patients("Observation", "performer", "Patient/p1")).contains(Set.of("p1"));
    assertThat(patients("Encounter", "patient", "p1", "_count", "10")).contains(Set.of("p1"));
    assertThat(patients("Patient", "_id", "p1,p2")).contains(Set.of("p1", "p2"));
    assertThat(patients("Patient", "link", "Patient/p1")).contains(Set.of("p1"));
  }

  @Test
  void andedParameters_limitToTheSmallestSet() {
    assertThat(patients("Observation", "patient", "p1,p2", "subject", "Patient/p3"))
        .contains(Set.of("p3"));
    assertThat(patients("Observation", "patient", "p1,p2", "code", "x|y"))
        .contains(Set.of("p1", "p2"));
    assertThat(patients("Observation", "patient:missing", "false", "patient", "p1"))
        .as("a parameter that limits nothing does not stop another from limiting")
        .contains(Set.of("p1"));
    assertThat(patients("Patient", "_id", "p1,p2", "_id", "p2")).contains(Set.of("p2"));
  }

  @Test
  void otherShapes_limitNothing() {
    assertThat(patients("Observation")).isEmpty();
    assertThat(patients("Observation", "code", "x|y")).isEmpty();
    assertThat(patients("Observation", "subject", "p1"))
        .as("a plain id where the parameter also refers to Group, Device...")
        .isEmpty();
    assertThat(patients("Observation", "subject", "Group/g1")).isEmpty();
    assertThat(patients("Observation", "subject", "Patient/p1,Group/g1")).isEmpty();
    assertThat(patients("Observation", "patient", "http://other.org/fhir/Patient/p1")).isEmpty();
    assertThat(patients("Observation", "patient", "Patient/p1/_history/2")).isEmpty();
    assertThat(patients("Observation", "patient:missing", "true")).isEmpty();
    assertThat(patients("Observation", "patient:identifier", "urn:x|1")).isEmpty();
    assertThat(patients("Observation", "subject:Group", "g1")).isEmpty();
    assertThat(patients("Observation", "subject:Patient", "Patient/p1")).isEmpty();
    assertThat(patients("Observation", "patient", "p1\\,p2")).isEmpty();
    assertThat(patients("Observation", "patient", "")).isEmpty();
    assertThat(patients("Observation", "patient", "p1,")).isEmpty();
    assertThat(patients("Observation", "_id", "o1")).as("_id of an Observation").isEmpty();
    assertThat(patients("Patient", "_id:not", "p1")).isEmpty();
    assertThat(patients("Observation", "focus", "Patient/p1"))
        .as("not a compartment parameter")
        .isEmpty();
    assertThat(patients("Organization", "_id", "o1")).isEmpty();
    StringBuilder many = new StringBuilder("p0");
    for (int i = 1; i <= PatientScope.MAX_PATIENTS; i++) {
      many.append(",p").append(i);
    }
    assertThat(patients("Observation", "patient", many.toString())).as("too many").isEmpty();
  }

  @Test
  void aParameterThisServerDefinesOtherwise_limitsNothing() {
    RuntimeSearchParam code = FHIR.getResourceDefinition("Observation").getSearchParam("code");
    PatientScope redefined =
        new PatientScope(
            FHIR,
            (type, name) ->
                "patient".equals(name)
                    ? new RuntimeSearchParam(
                        null,
                        null,
                        "patient",
                        "redefined",
                        "Observation.focus",
                        ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum.REFERENCE,
                        Set.of(),
                        Set.of("Patient"),
                        RuntimeSearchParam.RuntimeSearchParamStatusEnum.ACTIVE,
                        Set.of("Observation"))
                    : code);
    assertThat(redefined.patients("Observation", Map.of("patient", new String[] {"p1"}))).isEmpty();
    assertThat(
            new PatientScope(FHIR, (type, name) -> null)
                .patients("Observation", Map.of("patient", new String[] {"p1"})))
        .as("not searched on this server")
        .isEmpty();
  }
}
