package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole of synthea-10 de-identified: the graph stays linked, pseudonyms are stable within a
 * study and unrelated across studies, a patient's date shift keeps every interval.
 */
class SyntheaGraphTest {

  private static final Pattern REFERENCE = Pattern.compile("\"reference\":\"([^\"]+)\"");
  private static final String SHIFTED =
      """
      {"name": "shifted", "fhirPathRules": [
        {"path": "Resource.id", "method": "cryptoHash"},
        {"path": "nodesByType('Reference').reference", "method": "cryptoHash"},
        {"path": "nodesByType('Identifier').value", "method": "cryptoHash"},
        {"path": "nodesByType('date')", "method": "dateShift"},
        {"path": "nodesByType('dateTime')", "method": "dateShift"},
        {"path": "nodesByType('instant')", "method": "dateShift"}
      ]}""";

  private static List<SampleData.Line> input;
  private static List<Resource> parsed;

  @BeforeAll
  static void read() {
    input = SampleData.synthea();
    parsed = input.stream().map(line -> SampleData.parse(line.json())).toList();
  }

  private static List<Resource> run(Deidentifier deid) {
    return run(deid, 1);
  }

  private static List<Resource> run(Deidentifier deid, int step) {
    List<Resource> out = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i += step) {
      out.add(deid.deidentify(parsed.get(i), input.get(i).patientId()));
    }
    return out;
  }

  @Test
  void everyReferenceResolvesInsideTheExport() {
    Deidentifier deid = new Deidentifier(DeidProfile.safeHarbor(), StudyKey.random());
    List<Resource> out = run(deid);
    Set<String> ids = new HashSet<>();
    Map<String, Set<String>> identifiers = new HashMap<>();
    for (Resource resource : out) {
      ids.add(resource.fhirType() + "/" + resource.getIdPart());
      for (Identifier identifier : SampleData.identifiers(resource)) {
        identifiers
            .computeIfAbsent(resource.fhirType(), type -> new HashSet<>())
            .add(identifier.getSystem() + "|" + identifier.getValue());
      }
    }
    int literal = 0;
    int conditional = 0;
    int contained = 0;
    int before = 0;
    for (SampleData.Line line : input) {
      before += count(REFERENCE.matcher(line.json()));
    }
    int after = 0;
    for (Resource resource : out) {
      Matcher matcher = REFERENCE.matcher(SampleData.encode(resource));
      while (matcher.find()) {
        after++;
        String reference = matcher.group(1);
        if (reference.startsWith("#")) {
          assertThat(((DomainResource) resource).getContained())
              .extracting(Resource::getIdPart)
              .contains(reference.substring(1));
          contained++;
        } else if (reference.contains("?identifier=")) {
          String type = reference.substring(0, reference.indexOf('?'));
          String token = reference.substring(reference.indexOf('=') + 1);
          assertThat(identifiers.get(type)).as(reference).contains(token);
          conditional++;
        } else {
          assertThat(ids).as(reference).contains(reference);
          literal++;
        }
      }
    }

    assertThat(after).isEqualTo(before);
    assertThat(literal).isGreaterThan(20_000);
    assertThat(conditional).isGreaterThan(5_000);
    assertThat(contained).isGreaterThan(1_000);
    assertThat(ids).hasSize(input.size());
  }

  @Test
  void stableAcrossRunsUnrelatedAcrossStudies() {
    byte[] secret = MethodsTest.SECRET;
    List<Resource> first =
        run(new Deidentifier(DeidProfile.safeHarbor(), StudyKey.fromSecret(secret)), 3);
    List<Resource> again =
        run(new Deidentifier(DeidProfile.safeHarbor(), StudyKey.fromSecret(secret)), 3);
    Deidentifier otherStudy = new Deidentifier(DeidProfile.safeHarbor(), StudyKey.random());
    List<Resource> other = run(otherStudy, 3);
    Set<String> firstIds = new HashSet<>();
    first.forEach(resource -> firstIds.add(resource.getIdPart()));
    Set<Integer> shifts = new HashSet<>();
    Deidentifier study = new Deidentifier(DeidProfile.safeHarbor(), StudyKey.fromSecret(secret));
    input.stream()
        .map(SampleData.Line::patientId)
        .distinct()
        .forEach(
            patient ->
                shifts.add(study.dateShiftDays(patient) - otherStudy.dateShiftDays(patient)));

    for (int i = 0; i < first.size(); i += 5) {
      assertThat(SampleData.encode(again.get(i))).isEqualTo(SampleData.encode(first.get(i)));
    }
    assertThat(other).extracting(Resource::getIdPart).doesNotContainAnyElementsOf(firstIds);
    assertThat(shifts).hasSizeGreaterThan(1); // not one constant offset between studies
  }

  @Test
  void dateShiftKeepsIntervalsAndTimeOfDay() {
    Deidentifier deid = new Deidentifier(DeidProfile.parse(SHIFTED), StudyKey.random());
    Map<String, Integer> shiftOf = new HashMap<>();
    int checked = 0;
    for (int i = 0; i < parsed.size(); i++) {
      if (!(parsed.get(i) instanceof Observation observation)
          || !observation.hasEffectiveDateTimeType()) {
        continue;
      }
      String patient = input.get(i).patientId();
      Observation out = deid.deidentify(observation, patient);
      String before = observation.getEffectiveDateTimeType().getValueAsString();
      String after = out.getEffectiveDateTimeType().getValueAsString();
      long seconds =
          ChronoUnit.SECONDS.between(OffsetDateTime.parse(before), OffsetDateTime.parse(after));
      assertThat(seconds % 86_400).as(before + " -> " + after).isZero();
      long days = seconds / 86_400;
      assertThat(after.substring(10)).as("time of day and zone").isEqualTo(before.substring(10));
      assertThat((int) days).as(before + " -> " + after).isEqualTo(deid.dateShiftDays(patient));
      assertThat(shiftOf.computeIfAbsent(patient, deid::dateShiftDays))
          .isBetween(-50, 50)
          .isNotZero();
      checked++;
    }
    assertThat(checked).isGreaterThan(3_000);
    assertThat(new HashSet<>(shiftOf.values())).hasSizeGreaterThan(1);
  }

  private static int count(Matcher matcher) {
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }
}
