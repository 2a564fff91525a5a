package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** Reading profiles: the Microsoft tool's shape, the bundled profiles, clear errors. */
class ProfileTest {

  private static String profile(String path, String method) {
    return "{\"fhirPathRules\": [{\"path\": \"" + path + "\", \"method\": \"" + method + "\"}]}";
  }

  @Test
  void bundledProfilesCompile() {
    DeidProfile safeHarbor = DeidProfile.safeHarbor();
    DeidProfile limited = DeidProfile.limitedDataSet();

    assertThat(safeHarbor.name()).isEqualTo("hipaa-safe-harbor");
    assertThat(limited.name()).isEqualTo("limited-data-set");
    assertThat(safeHarbor.rules())
        .extracting(DeidRule::path)
        .contains("nodesByType('HumanName')", "nodesByType('Address').postalCode", "Resource.id");
    assertThat(safeHarbor.rules().get(safeHarbor.rules().size() - 1).builtIn()).isTrue();
    assertThat(limited.rules())
        .extracting(DeidRule::path)
        .doesNotContain("nodesByType('dateTime')", "nodesByType('Address').city");
    assertThat(safeHarbor.allowedExtensions())
        .contains("http://hl7.org/fhir/us/core/StructureDefinition/us-core-race");
    assertThat(safeHarbor.dateShiftRange()).isEqualTo(50);
  }

  @Test
  void readsTheMicrosoftToolsShape() {
    String json =
        """
        {
          "fhirVersion": "R4",
          "processingErrors": "raise",
          "fhirPathRules": [
            {"path": "nodesByType('Extension')", "method": "redact"},
            {"path": "Organization.identifier", "method": "keep"},
            {"path": "nodesByType('Address').country", "method": "keep"},
            {"path": "Resource.id", "method": "cryptoHash"},
            {"path": "Bundle.entry.fullUrl", "method": "redact"},
            {"path": "Observation.value", "method": "redact"},
            {"path": "FamilyMemberHistory.condition.onset as Age", "method": "redact"},
            {"path": "nodesByType('Reference').reference", "method": "cryptoHash"},
            {"path": "nodesByType('date')", "method": "dateshift"},
            {"path": "nodesByType('Address')", "method": "redact"}
          ],
          "parameters": {
            "dateShiftKey": "",
            "dateShiftScope": "resource",
            "cryptoHashKey": "",
            "encryptKey": "",
            "enablePartialAgesForRedact": true,
            "enablePartialDatesForRedact": true,
            "enablePartialZipCodesForRedact": true,
            "restrictedZipCodeTabulationAreas": ["036", "059"]
          }
        }
        """;

    DeidProfile profile = DeidProfile.parse(json);

    assertThat(profile.rules()).hasSize(14);
    assertThat(profile.rules().get(8).method()).isEqualTo(DeidMethod.DATE_SHIFT);
  }

  @Test
  void choiceElementsByTypedNameAndByType() {
    Deidentifier deid =
        new Deidentifier(
            DeidProfile.parse(
                "{\"fhirPathRules\": [{\"path\": \"Observation.valueString\", \"method\":"
                    + " \"redact\"},{\"path\": \"Observation.component.value.ofType(Quantity)\","
                    + " \"method\": \"redact\"}]}"),
            StudyKey.random());
    Observation text = new Observation();
    text.setValue(new StringType("946 Main St"));
    Observation number = new Observation();
    number.setValue(new Quantity(5));
    number.addComponent().setValue(new Quantity(7));
    number.addComponent().setValue(new StringType("kept"));

    assertThat(deid.deidentify(text, null).hasValue()).isFalse();
    Observation out = deid.deidentify(number, null);
    assertThat(out.hasValueQuantity()).isTrue();
    assertThat(out.getComponent()).hasSize(1);
    assertThat(out.getComponentFirstRep().getValue()).isInstanceOf(StringType.class);
  }

  @Test
  void rejectsWhatItDoesNotSupportNamingIt() {
    List.of(
            List.of(
                profile("Patient.telecom.where(system='email')", "redact"),
                "where(system='email')"),
            List.of(profile("Patient.name | Patient.address", "redact"), "'|'"),
            List.of(profile("Patient.adress", "redact"), "unknown element 'adress'"),
            List.of(profile("Patiant.name", "redact"), "unknown resource type 'Patiant'"),
            List.of(
                profile("nodesByType('Human')", "redact"), "'Human' is not a FHIR R4 data type"),
            List.of(
                profile("Resource.name", "redact"), "'name' is not an element of every resource"),
            List.of(profile("Patient", "redact"), "names no element"),
            List.of(profile("Patient.name", "perturb"), "unsupported method 'perturb'"),
            List.of(profile("Patient.name", "encrypt"), "unsupported method 'encrypt'"),
            List.of(
                "{\"fhirPathRules\": [{\"path\": \"Patient.birthDate\", \"method\": \"generalize\","
                    + " \"cases\": {}}]}",
                "unsupported rule setting 'cases'"),
            List.of(
                "{\"fhirPathRules\": [], \"parameters\": {\"cryptoHashKey\": \"s3cret\"}}",
                "keys are never read from a profile"),
            List.of(
                "{\"fhirPathRules\": [], \"parameters\": {\"dateShiftFixedOffsetInDays\": 3}}",
                "unknown parameter 'dateShiftFixedOffsetInDays'"),
            List.of("{\"rules\": []}", "unknown profile key 'rules'"),
            List.of("{\"fhirPathRules\": [}", "not valid JSON"))
        .forEach(
            bad ->
                assertThatThrownBy(() -> DeidProfile.parse(bad.get(0)))
                    .as(bad.get(0))
                    .isInstanceOf(DeidProfileException.class)
                    .hasMessageContaining(bad.get(1)));
  }

  @Test
  void keysNeverPrinted() {
    StudyKey key = StudyKey.fromSecret(MethodsTest.SECRET);

    assertThat(key.toString()).doesNotContain("study").isEqualTo("StudyKey[<redacted>]");
    assertThat(new Deidentifier(DeidProfile.safeHarbor(), key).toString()).contains("<redacted>");
    assertThatThrownBy(() -> StudyKey.fromSecret(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
