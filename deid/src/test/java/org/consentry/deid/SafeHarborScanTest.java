package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * De-identifies all the sample data with the Safe Harbor profile and searches the output for what
 * Safe Harbor removes: the input's own names, streets, cities, ZIP codes, telecom and identifier
 * values, ids, device serials, URLs; and full dates, phone numbers, e-mails, SSNs, IP addresses.
 * Zero findings allowed.
 */
class SafeHarborScanTest {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** The types cloned: all but the five largest, to keep the test's CPU time moderate. */
  private static final Set<String> CLONED =
      Set.of(
          "Patient",
          "Encounter",
          "Condition",
          "Procedure",
          "MedicationRequest",
          "MedicationAdministration",
          "Immunization",
          "AllergyIntolerance",
          "CarePlan",
          "CareTeam",
          "Device",
          "ImagingStudy",
          "SupplyDelivery");

  private final Deidentifier deid = new Deidentifier(DeidProfile.safeHarbor(), StudyKey.random());

  @Test
  void syntheaAndSampleBundlesLeaveNothingIdentifying() {
    List<SampleData.Line> lines = SampleData.synthea();
    List<String> bundles = SampleData.bundleJson();
    Set<String> originals = new HashSet<>();
    lines.forEach(line -> Identifying.collect(line.json(), originals));
    bundles.forEach(json -> Identifying.collect(json, originals));
    Needles needles = new Needles(originals);
    List<String> findings = new ArrayList<>();

    for (SampleData.Line line : lines) {
      scan(deid.deidentify(SampleData.parse(line.json()), line.patientId()), needles, findings);
    }
    for (String json : bundles) {
      Bundle bundle = SampleData.parseBundle(json);
      scan(deid.deidentify(bundle, patientOf(bundle)), needles, findings);
    }

    assertThat(originals).hasSizeGreaterThan(5_000);
    assertThat(findings).isEmpty();
  }

  @Test
  void aPopulationOfOneHundredPatients() {
    List<String> population = population();
    Set<String> originals = new HashSet<>();
    population.forEach(json -> Identifying.collect(json, originals));
    Needles needles = new Needles(originals);
    List<String> findings = new ArrayList<>();
    Set<String> patients = new LinkedHashSet<>();

    for (String json : population) {
      String patient = SampleData.patientOf(json);
      if (patient != null) {
        patients.add(patient);
      }
      scan(deid.deidentify(SampleData.parse(json), patient), needles, findings);
    }

    assertThat(patients).hasSize(100);
    assertThat(findings).isEmpty();
  }

  private static void scan(Resource output, Needles needles, List<String> findings) {
    for (String finding : Identifying.scan(SampleData.encode(output), needles)) {
      if (findings.size() < 50) {
        findings.add(output.fhirType() + ": " + finding);
      }
    }
  }

  private static String patientOf(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Resource::getIdPart)
        .findFirst()
        .orElse(null);
  }

  /**
   * The 10 synthea patients and 90 clones: each clone has every UUID (ids, references) replaced
   * consistently, and a fresh name, address, phone, SSN and other identifiers, birth date. Clones
   * carry the patient's resources of the {@link #CLONED} types.
   */
  static List<String> population() {
    List<String> out = new ArrayList<>();
    List<SampleData.Line> lines = SampleData.synthea();
    lines.forEach(line -> out.add(line.json()));
    Random random = new Random(20_261_124);
    for (int clone = 1; clone < 10; clone++) {
      for (SampleData.Line line : lines) {
        if (line.patientId() == null || !CLONED.contains(typeOf(line.json()))) {
          continue;
        }
        String json = renumber(line.json(), clone);
        if (json.startsWith("{\"resourceType\":\"Patient\"")) {
          json = SampleData.encode(fresh((Patient) SampleData.parse(json), random));
        }
        out.add(json);
      }
    }
    return out;
  }

  private static String typeOf(String json) {
    int start = json.indexOf("\"resourceType\":\"") + 16;
    return json.substring(start, json.indexOf('"', start));
  }

  private static String renumber(String json, int clone) {
    Matcher matcher = UUID_TEXT.matcher(json);
    StringBuilder out = new StringBuilder(json.length());
    while (matcher.find()) {
      String seed = clone + "/" + matcher.group();
      matcher.appendReplacement(
          out, UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString());
    }
    return matcher.appendTail(out).toString();
  }

  private static Patient fresh(Patient patient, Random random) {
    patient
        .getName()
        .forEach(
            name -> {
              name.setFamily(word(random) + random.nextInt(1000));
              name.getGiven().clear();
              name.addGiven(word(random) + random.nextInt(1000));
            });
    patient
        .getAddress()
        .forEach(
            address ->
                address
                    .setLine(
                        List.of(
                            new org.hl7.fhir.r4.model.StringType(
                                (100 + random.nextInt(900)) + " " + word(random) + " Street")))
                    .setCity(word(random) + "ville")
                    .setPostalCode(String.format("%05d", random.nextInt(100_000))));
    for (ContactPoint telecom : patient.getTelecom()) {
      telecom.setValue(
          String.format("555-%03d-%04d", random.nextInt(1000), random.nextInt(10_000)));
    }
    for (Identifier identifier : patient.getIdentifier()) {
      if ("http://hl7.org/fhir/sid/us-ssn".equals(identifier.getSystem())) {
        identifier.setValue(
            String.format("999-%02d-%04d", random.nextInt(100), random.nextInt(10_000)));
      } else if (!identifier.getValue().contains("-")) {
        identifier.setValue("X" + (10_000_000 + random.nextInt(90_000_000)));
      }
    }
    patient.setBirthDateElement(
        new DateType(
            String.format(
                "%04d-%02d-%02d",
                1930 + random.nextInt(90), 1 + random.nextInt(12), 1 + random.nextInt(28))));
    return patient;
  }

  private static String word(Random random) {
    char[] letters = new char[5 + random.nextInt(5)];
    for (int i = 0; i < letters.length; i++) {
      letters[i] = (char) ((i == 0 ? 'A' : 'a') + random.nextInt(26));
    }
    return new String(letters);
  }
}
