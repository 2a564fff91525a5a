package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compartment references, with paths parsed once per type, are exactly the owners HAPI's own
 * compartment evaluation finds: over every resource of the sample data, and for the cases the
 * sample has none of (a subject that is not a Patient, a reference holding a resource, a versioned
 * or absolute reference).
 */
class CompartmentReferencesTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Path SAMPLE = Path.of("../data/synthea-10");

  private final CompartmentReferences references = new CompartmentReferences(FHIR);

  /** Every NDJSON file of the sample, one type each. */
  static Stream<Path> sampleFiles() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLE)) {
      List<Path> ndjson =
          files.filter(file -> file.toString().endsWith(".ndjson")).sorted().toList();
      assertThat(ndjson).hasSizeGreaterThan(10);
      return ndjson.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("sampleFiles")
  void everySampleResourceHasTheOwnersHapiFinds(Path file) throws IOException {
    int compared = 0;
    try (Stream<String> lines = Files.lines(file)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!line.isBlank()) {
          IBaseResource resource = FHIR.newJsonParser().parseResource(line);
          assertThat(ours(resource))
              .as(resource.getIdElement().getValue())
              .isEqualTo(hapis(resource));
          compared++;
        }
      }
    }
    assertThat(compared).isPositive();
  }

  @Test
  void aSubjectOfAnotherTypeIsATargetAsInHapi_theCompartmentOwnersAreOnlyPatients() {
    // R4 lists Account.subject both plainly and as .where(resolve() is Patient)
    Account account = new Account();
    account.addSubject(new Reference("Device/d"));
    account.addSubject(new Reference("Patient/a"));
    assertThat(ours(account)).isEqualTo(hapis(account)).containsExactly("Device/d", "Patient/a");
    assertThat(new PatientCompartment(FHIR).owners(account)).containsExactly("a");
  }

  @Test
  void everyPerformerIsATarget_thePatientsAmongThemAreForTheCaller() {
    Observation observation = new Observation();
    observation.setSubject(new Reference("Patient/a"));
    observation.addPerformer(new Reference("Practitioner/p"));
    observation.addPerformer(new Reference("Patient/b"));
    assertThat(ours(observation))
        .isEqualTo(hapis(observation))
        .contains("Patient/a", "Patient/b", "Practitioner/p");
  }

  @Test
  void aReferenceHoldingAResourceNamesThatResource() {
    Patient held = new Patient();
    held.setId("Patient/held");
    Observation observation = new Observation();
    observation.setSubject(new Reference(held));
    Practitioner practitioner = new Practitioner();
    practitioner.setId("Practitioner/held");
    observation.addPerformer(new Reference(practitioner));
    assertThat(ours(observation)).isEqualTo(hapis(observation)).contains("Patient/held");
  }

  @Test
  void versionedAndAbsoluteReferences() {
    Observation observation = new Observation();
    observation.setSubject(new Reference("Patient/a/_history/3"));
    observation.addPerformer(new Reference("http://other.example/fhir/Patient/c"));
    observation.addPerformer(new Reference("urn:uuid:0f3d5c56-3b4e-4c7a-9a53-2f1d3b5c6d7e"));
    observation.addPerformer(new Reference());
    assertThat(ours(observation)).isEqualTo(hapis(observation));
  }

  private List<String> ours(IBaseResource resource) {
    List<String> ids = new ArrayList<>();
    references.targets(
        resource,
        id -> {
          if (!ids.contains(id.getValue())) {
            ids.add(id.getValue());
          }
        });
    return ids;
  }

  private static List<String> hapis(IBaseResource resource) {
    return FHIR.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of()).stream()
        .map(IIdType::getValue)
        .toList();
  }
}
