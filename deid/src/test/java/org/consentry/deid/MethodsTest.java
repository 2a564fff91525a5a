package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** Each method on known inputs, with answers computed here independently of the module. */
class MethodsTest {

  static final byte[] SECRET =
      "a test study secret of 32 bytes!".getBytes(StandardCharsets.US_ASCII);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);

  private static Deidentifier deid(String profileJson) {
    return new Deidentifier(DeidProfile.parse(profileJson), StudyKey.fromSecret(SECRET), CLOCK);
  }

  private static String profile(String... rules) {
    return "{\"fhirPathRules\": [" + String.join(",", rules) + "]}";
  }

  private static String rule(String path, String method) {
    return "{\"path\": \"" + path + "\", \"method\": \"" + method + "\"}";
  }

  @Test
  void pseudonymIsTheDocumentedHmacWrittenAsUuid() throws Exception {
    byte[] key = hmac(SECRET, "consentry/deid/pseudonym/v1");
    byte[] mac = hmac(key, "abc");
    mac[6] = (byte) ((mac[6] & 0x0f) | 0x80);
    mac[8] = (byte) ((mac[8] & 0x3f) | 0x80);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      hex.append(String.format("%02x", mac[i]));
    }
    String expected =
        hex.substring(0, 8)
            + "-"
            + hex.substring(8, 12)
            + "-"
            + hex.substring(12, 16)
            + "-"
            + hex.substring(16, 20)
            + "-"
            + hex.substring(20);

    Deidentifier deid = deid(profile(rule("Resource.id", "cryptoHash")));

    assertThat(deid.pseudonym("abc")).isEqualTo(expected).matches("[0-9a-f-]{36}");
    assertThat(expected.charAt(14)).isEqualTo('8'); // UUID version 8
  }

  @Test
  void cryptoHashKeepsIdsAndReferencesLinked() {
    Deidentifier deid =
        deid(
            profile(
                rule("Resource.id", "cryptoHash"),
                rule("nodesByType('Reference').reference", "cryptoHash"),
                rule("nodesByType('Identifier').value", "cryptoHash")));
    Observation observation = new Observation();
    observation.setId("obs-1");
    observation.setSubject(new Reference("Patient/abc"));
    observation.setEncounter(new Reference("http://example.org/fhir/Encounter/e1/_history/2"));
    observation.addPerformer(new Reference("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
    observation.addPerformer(
        new Reference("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|123"));
    observation.addPerformer(new Reference("Practitioner?name=Smith"));
    observation.addIdentifier().setSystem("urn:mrn").setValue("123");

    Observation out = deid.deidentify(observation, "abc");

    assertThat(out.getIdPart()).isEqualTo(deid.pseudonym("obs-1"));
    assertThat(out.getSubject().getReference()).isEqualTo("Patient/" + deid.pseudonym("abc"));
    assertThat(out.getEncounter().getReference())
        .isEqualTo("http://example.org/fhir/Encounter/" + deid.pseudonym("e1") + "/_history/2");
    assertThat(out.getPerformer().get(0).getReference())
        .isEqualTo("urn:uuid:" + deid.pseudonym("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
    assertThat(out.getPerformer().get(1).getReference())
        .isEqualTo(
            "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|" + deid.pseudonym("123"));
    assertThat(out.getPerformer()).hasSize(2); // a query on a name cannot be kept
    assertThat(out.getIdentifierFirstRep().getValue()).isEqualTo(deid.pseudonym("123"));
    assertThat(out.getIdentifierFirstRep().getSystem()).isEqualTo("urn:mrn");
    assertThat(labels(out)).containsExactlyInAnyOrder("PSEUDED", "REDACTED");
    assertThat(observation.getIdPart()).isEqualTo("obs-1"); // the argument is not changed
  }

  @Test
  void redactRemovesAndKeepWinsWhenEarlier() {
    Patient patient = new Patient();
    patient.addName().setFamily("Smith").addGiven("Ann");
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0100");
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);

    Patient redacted =
        deid(profile(
                rule("nodesByType('HumanName')", "redact"),
                rule("nodesByType('ContactPoint')", "redact")))
            .deidentify(patient, null);
    Patient kept =
        deid(profile(rule("Patient.name", "keep"), rule("nodesByType('HumanName')", "redact")))
            .deidentify(patient, null);

    assertThat(redacted.hasName()).isFalse();
    assertThat(redacted.hasTelecom()).isFalse();
    assertThat(redacted.getGender().toCode()).isEqualTo("female");
    assertThat(labels(redacted)).containsExactly("REDACTED");
    assertThat(kept.getNameFirstRep().getFamily()).isEqualTo("Smith");
    assertThat(kept.getMeta().hasSecurity()).isFalse();
  }

  @Test
  void dateShiftMovesTheCalendarDateOnly() throws Exception {
    Deidentifier deid =
        deid(
            profile(
                rule("nodesByType('dateTime')", "dateShift"),
                rule("nodesByType('date')", "dateShift")));
    byte[] mac = hmac(hmac(SECRET, "consentry/deid/date-shift/v1"), "p1");
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (mac[i] & 0xff);
    }
    int k = (int) Long.remainderUnsigned(bits, 100);
    int expected = k < 50 ? k - 50 : k - 49;
    Observation observation = new Observation();
    observation.setEffective(new DateTimeType("2020-03-01T10:15:30.250-05:00"));

    Observation out = deid.deidentify(observation, "Patient/p1");

    assertThat(deid.dateShiftDays("p1")).isEqualTo(expected).isNotZero().isBetween(-50, 50);
    String moved = java.time.LocalDate.of(2020, 3, 1).plusDays(expected).toString();
    assertThat(out.getEffectiveDateTimeType().getValueAsString())
        .isEqualTo(moved + "T10:15:30.250-05:00");
    assertThat(labels(out)).containsExactly("MASKED");
  }

  @Test
  void generalizeFollowsSafeHarbor() {
    Deidentifier deid =
        deid(
            profile(
                rule("nodesByType('Address')", "generalize"),
                rule("Patient.birthDate", "generalize"),
                rule("nodesByType('Age')", "generalize"),
                rule("nodesByType('dateTime')", "generalize"),
                rule("nodesByType('instant')", "generalize")));
    Patient patient = new Patient();
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1968-09-04"));
    patient.addAddress(
        new Address()
            .addLine("1 Main St")
            .setCity("Cambridge")
            .setState("MA")
            .setPostalCode("02139-4307"));
    patient.addAddress(new Address().setPostalCode("03601"));
    patient.addAddress(new Address().setPostalCode("K1A 0B1").setCountry("CA"));
    Patient old = new Patient();
    old.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1920-05-01"));
    Condition condition = new Condition();
    condition.setOnset(new Age().setValue(95).setUnit("a").setCode("a"));
    Condition young = new Condition();
    young.setOnset(new Age().setValue(45).setUnit("years"));
    Observation observation = new Observation();
    observation.setEffective(new DateTimeType("2019-04-05T06:07:08Z"));
    observation.setIssuedElement(new org.hl7.fhir.r4.model.InstantType("2019-04-05T06:07:08Z"));

    Patient out = deid.deidentify(patient, null);
    Age capped = (Age) deid.deidentify(condition, null).getOnset();
    Observation observed = deid.deidentify(observation, null);

    assertThat(out.getBirthDateElement().getValueAsString()).isEqualTo("1968");
    assertThat(out.getAddress()).hasSize(3);
    assertThat(out.getAddress().get(0).hasLine()).isFalse();
    assertThat(out.getAddress().get(0).hasCity()).isFalse();
    assertThat(out.getAddress().get(0).getState()).isEqualTo("MA");
    assertThat(out.getAddress().get(0).getPostalCode()).isEqualTo("021");
    assertThat(out.getAddress().get(1).getPostalCode()).isEqualTo("000");
    assertThat(out.getAddress().get(2).hasPostalCode()).isFalse();
    assertThat(deid.deidentify(old, null).getBirthDateElement().getValueAsString())
        .isEqualTo("1935");
    assertThat(capped.getValue().intValue()).isEqualTo(90);
    assertThat(capped.getComparator().toCode()).isEqualTo(">=");
    assertThat(((Age) deid.deidentify(young, null).getOnset()).getValue().intValue()).isEqualTo(45);
    assertThat(observed.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2019");
    assertThat(observed.hasIssued()).isFalse(); // an instant cannot hold a year alone
    assertThat(labels(out)).containsExactlyInAnyOrder("ABSTRED", "REDACTED");
  }

  @Test
  void partialRedactionParametersOfTheMicrosoftTool() {
    Deidentifier deid =
        deid(
            "{\"fhirPathRules\": ["
                + rule("nodesByType('Address')", "redact")
                + ","
                + rule("nodesByType('date')", "redact")
                + "], \"parameters\": {\"enablePartialDatesForRedact\": true,"
                + " \"enablePartialZipCodesForRedact\": true}}");
    Patient patient = new Patient();
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1968-09-04"));
    patient.addAddress(new Address().setCity("Cambridge").setPostalCode("02139"));

    Patient out = deid.deidentify(patient, null);

    assertThat(out.getBirthDateElement().getValueAsString()).isEqualTo("1968");
    assertThat(out.getAddressFirstRep().hasCity()).isFalse();
    assertThat(out.getAddressFirstRep().getPostalCode()).isEqualTo("021");
  }

  @Test
  void narrativeNotesAttachmentsAndUnlistedExtensionsGoByDefault() {
    String allowed = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
    Deidentifier deid =
        deid(
            "{\"fhirPathRules\": [], \"parameters\": {\"allowedExtensions\": [\""
                + allowed
                + "\"]}}");
    Patient patient = new Patient();
    patient
        .getText()
        .setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
        .setDivAsString("<div>Ann Smith</div>");
    patient.addExtension(
        new Extension("http://example.org/mothers-maiden-name", new StringType("Jones")));
    Extension race = new Extension(allowed);
    race.addExtension(new Extension("text", new StringType("White")));
    patient.addExtension(race);
    patient.addPhoto().setUrl("http://example.org/ann.jpg").setData(new byte[] {1, 2});
    patient.getBirthDateElement().setValueAsString("1968-09-04");
    patient
        .getBirthDateElement()
        .addExtension(new Extension("http://example.org/x", new StringType("y")));
    Observation observation = new Observation();
    observation.addNote(new Annotation().setText("Ann said..."));

    Patient out = deid.deidentify(patient, null);
    Observation noted =
        deid(profile(rule("Observation.note", "keep"))).deidentify(observation, null);

    assertThat(out.hasText()).isFalse();
    assertThat(out.getExtension()).extracting(Extension::getUrl).containsExactly(allowed);
    assertThat(out.getExtension().get(0).getExtension()).hasSize(1); // nested: kept with it
    assertThat(out.getPhotoFirstRep().hasUrl()).isFalse();
    assertThat(out.getPhotoFirstRep().hasData()).isFalse();
    assertThat(out.getBirthDateElement().hasExtension()).isFalse();
    assertThat(deid.deidentify(observation, null).hasNote()).isFalse();
    assertThat(noted.getNoteFirstRep().getText()).isEqualTo("Ann said...");
  }

  static java.util.List<String> labels(Resource resource) {
    return resource.getMeta().getSecurity().stream()
        .filter(coding -> DeidMethod.LABEL_SYSTEM.equals(coding.getSystem()))
        .map(Coding::getCode)
        .toList();
  }

  private static byte[] hmac(byte[] key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }
}
