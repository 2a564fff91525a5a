package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.consentry.server.crypto.StoredForms;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class PreviewLabelsTest {

  private static final String SNOMED = "http://snomed.info/sct";

  private static Condition condition(String text, String display) {
    Condition condition = new Condition();
    condition.setId("c1");
    condition.setSubject(new Reference("Patient/p1"));
    condition.getCode().setText(text).addCoding(new Coding(SNOMED, "35489007", display));
    condition.setOnset(new DateTimeType("2019-03-04T10:00:00+01:00"));
    return condition;
  }

  @Test
  void codeText_thenFirstCodingDisplay_thenTheTypeName() {
    assertThat(PreviewLabels.display(condition("Depression", "Depressive disorder")))
        .isEqualTo("Depression");
    assertThat(PreviewLabels.display(condition(null, "Depressive disorder")))
        .isEqualTo("Depressive disorder");
    assertThat(PreviewLabels.display(condition(null, null))).isEqualTo("Condition");
    Observation observation = new Observation();
    observation.getCode().addCoding(new Coding("http://loinc.org", "8867-4", null));
    observation.getCode().addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"));
    assertThat(PreviewLabels.display(observation)).isEqualTo("Heart rate");
  }

  @Test
  void medicationsVaccinesAndEncounters_byTheirOwnCodes() {
    MedicationRequest request = new MedicationRequest();
    request.setMedication(
        new org.hl7.fhir.r4.model.CodeableConcept().setText("Amoxicillin 250 MG Oral Capsule"));
    request.setAuthoredOnElement(new DateTimeType("2020-05-06"));
    assertThat(PreviewLabels.display(request)).isEqualTo("Amoxicillin 250 MG Oral Capsule");
    assertThat(PreviewLabels.date(request))
        .map(DateTimeType::getValueAsString)
        .hasValue("2020-05-06");

    Immunization immunization = new Immunization();
    immunization.getVaccineCode().addCoding(new Coding("urn:cvx", "140", "Influenza, seasonal"));
    immunization.setOccurrence(new DateTimeType("2021-10-01T09:00:00Z"));
    assertThat(PreviewLabels.display(immunization)).isEqualTo("Influenza, seasonal");
    assertThat(PreviewLabels.date(immunization))
        .map(DateTimeType::getValueAsString)
        .hasValue("2021-10-01T09:00:00Z");

    Encounter encounter = new Encounter();
    encounter.addType().setText("Encounter for check up");
    encounter.setPeriod(new Period().setStartElement(new DateTimeType("2018-01-02T08:00:00Z")));
    assertThat(PreviewLabels.display(encounter)).isEqualTo("Encounter for check up");
    assertThat(PreviewLabels.date(encounter))
        .map(DateTimeType::getValueAsString)
        .hasValue("2018-01-02T08:00:00Z");
  }

  @Test
  void dates_keepTheirPrecision_andAreLeftOutWhenThereIsNone() {
    assertThat(PreviewLabels.date(condition("x", null)))
        .map(DateTimeType::getValueAsString)
        .hasValue("2019-03-04T10:00:00+01:00");
    Observation observation = new Observation();
    observation.setEffective(new Period().setStartElement(new DateTimeType("2017")));
    assertThat(PreviewLabels.date(observation))
        .map(DateTimeType::getValueAsString)
        .hasValue("2017");
    assertThat(PreviewLabels.date(new Observation())).isEmpty();
    assertThat(PreviewLabels.date(new org.hl7.fhir.r4.model.Patient())).isEmpty();
  }

  @Test
  void longLabels_areShortenedToOneLine() {
    String label = PreviewLabels.display(condition("a\n  b " + "c".repeat(300), null));
    assertThat(label).startsWith("a b c").hasSize(PreviewLabels.MAX_LENGTH).endsWith("…");
  }

  @Test
  void encryptedLabelsAndDates_readAsAbsent_neverAsCiphertext() {
    Condition whole = condition("Depression", "Depressive disorder");
    assertThat(PreviewLabels.display(StoredForms.encrypted(whole, List.of("Condition.code"))))
        .isEqualTo("Condition");
    Condition text = StoredForms.encrypted(whole, List.of("Condition.code.text"));
    assertThat(json(text)).contains(StoredForms.ENCRYPTED).doesNotContain("Depression");
    assertThat(PreviewLabels.display(text)).isEqualTo("Depressive disorder");
    Condition both =
        StoredForms.encrypted(
            whole, List.of("Condition.code.text", "Condition.code.coding.display"));
    assertThat(PreviewLabels.display(both)).isEqualTo("Condition");
    assertThat(PreviewLabels.date(StoredForms.encrypted(whole, List.of("Condition.onset[x]"))))
        .isEmpty();

    // a restricted Observation: its value and notes are encrypted by default, its code is not
    Observation restricted = new Observation();
    restricted.setId("o1");
    restricted
        .getMeta()
        .addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null);
    restricted.getCode().setText("HIV 1 RNA");
    restricted.setValue(new StringType("detected"));
    restricted.setEffective(new DateTimeType("2022-02-02"));
    Observation stored = StoredForms.encrypted(restricted, List.of("Observation.valueString"));
    assertThat(json(stored)).contains(StoredForms.ENCRYPTED).doesNotContain("detected");
    assertThat(PreviewLabels.display(stored)).isEqualTo("HIV 1 RNA");
    assertThat(PreviewLabels.date(stored))
        .map(DateTimeType::getValueAsString)
        .hasValue("2022-02-02");
  }

  private static String json(Resource resource) {
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
  }
}
