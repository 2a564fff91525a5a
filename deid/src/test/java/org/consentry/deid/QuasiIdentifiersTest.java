package org.consentry.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading quasi-identifiers from an R4 Patient, and age bands. */
class QuasiIdentifiersTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);
  static final String RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
  static final String ETHNICITY =
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
  static final String OMB = "urn:oid:2.16.840.1.113883.6.238";

  static Extension omb(String url, String... codeAndDisplay) {
    Extension extension = new Extension(url);
    for (int i = 0; i < codeAndDisplay.length; i += 2) {
      extension.addExtension(
          "ombCategory", new Coding(OMB, codeAndDisplay[i], codeAndDisplay[i + 1]));
    }
    extension.addExtension("detailed", new Coding(OMB, "2108-9", "European"));
    extension.addExtension("text", new StringType("as stated"));
    return extension;
  }

  @Test
  void readsEveryQuasiIdentifierFromUsCorePatient() {
    Patient patient = new Patient();
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new DateType("1980-06-15"));
    patient.addAddress().setUse(Address.AddressUse.WORK).setPostalCode("10001");
    patient.addAddress().setUse(Address.AddressUse.HOME).setPostalCode("02139-4307");
    patient.addExtension(omb(RACE, "2106-3", "White"));
    patient.addExtension(omb(ETHNICITY, "2135-2", "Hispanic or Latino"));

    QuasiIdentifiers q = QuasiIdentifiers.of(patient, "p-1", CLOCK);

    assertThat(q)
        .isEqualTo(new QuasiIdentifiers("p-1", 44, "female", "021", "White", "Hispanic or Latino"));
    assertThat(q.ageBand(5)).isEqualTo("40-44");
    assertThat(q.ageBand(10)).isEqualTo("40-49");
    assertThat(q.ageBand(20)).isEqualTo("40-59");
    assertThat(q.ageBand(0)).isEqualTo("any");
  }

  @Test
  void withoutExtensionsOrDataEverythingIsUnknown() {
    QuasiIdentifiers q = QuasiIdentifiers.of(new Patient(), "p-2", CLOCK);

    assertThat(q)
        .isEqualTo(new QuasiIdentifiers("p-2", null, "unknown", "unknown", "unknown", "unknown"));
    assertThat(q.ageBand(5)).isEqualTo("unknown");
    assertThat(q.ageBand(0)).isEqualTo("any");
  }

  @Test
  void raceCodesOutsideOmbUseTheirDisplayMultipleAndUnknownAreNamed() {
    Patient several = new Patient();
    several.addExtension(omb(RACE, "2106-3", "White", "2028-9", "Asian"));
    Patient asked = new Patient();
    asked.addExtension(omb(RACE, "ASKU", "Asked but no answer"));
    asked.addExtension(omb(ETHNICITY, "UNK", "Unknown"));
    Patient renamed = new Patient();
    renamed.addExtension(omb(RACE, "2054-5", "Black"));

    assertThat(QuasiIdentifiers.of(several, "a", CLOCK).race()).isEqualTo("multiple");
    assertThat(QuasiIdentifiers.of(asked, "b", CLOCK).race()).isEqualTo("unknown");
    assertThat(QuasiIdentifiers.of(asked, "b", CLOCK).ethnicity()).isEqualTo("unknown");
    assertThat(QuasiIdentifiers.of(renamed, "c", CLOCK).race())
        .isEqualTo("Black or African American");
  }

  @ParameterizedTest(name = "born {0}: age {1}, bands {2} {3} {4}")
  @CsvSource({
    // birth date, age on 2025-06-01, 5-year, 10-year, 20-year band
    "1935-06-01, 90,   90+,   90+,   90+",
    "1935-06-02, 89,   85-89, 80-89, 80-89",
    "1920-01-01, 90,   90+,   90+,   90+",
    "1900,       90,   90+,   90+,   90+",
    "2025-06-01, 0,    0-4,   0-9,   0-19",
    "2020-06-02, 4,    0-4,   0-9,   0-19",
    "1980,       44,   40-44, 40-49, 40-59",
    "1980-05,    45,   45-49, 40-49, 40-59",
    "1980-06,    44,   40-44, 40-49, 40-59",
  })
  void agesAndBandsWithNinetyAndOverAlwaysOneBand(
      String born, int age, String five, String ten, String twenty) {
    Patient patient = new Patient();
    patient.setBirthDateElement(new DateType(born));

    QuasiIdentifiers q = QuasiIdentifiers.of(patient, "p", CLOCK);

    assertThat(q.age()).isEqualTo(age);
    assertThat(q.ageBand(5)).isEqualTo(five);
    assertThat(q.ageBand(10)).isEqualTo(ten);
    assertThat(q.ageBand(20)).isEqualTo(twenty);
  }

  @Test
  void aBirthDateAfterTheReferenceDateIsUnknownAndAgesAreCapped() {
    Patient unborn = new Patient().setBirthDateElement(new DateType("2030-01-01"));
    assertThat(QuasiIdentifiers.of(unborn, "u", LocalDate.of(2025, 6, 1)).age()).isNull();
    assertThat(new QuasiIdentifiers("x", 104, null, null, null, null).age()).isEqualTo(90);
    assertThatThrownBy(() -> new QuasiIdentifiers("x", -1, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "02139,      021",
    "02139-4307, 021",
    "021394307,  021",
    "03601,      000",
    "82301,      000",
    "89012,      000",
    "00000,      000",
    "SW1A 1AA,   unknown",
    "0213,       unknown",
  })
  void zip3WithTheRestrictedAreasAsSafeHarbor(String postalCode, String zip3) {
    Patient patient = new Patient();
    patient.addAddress().setPostalCode(postalCode);
    assertThat(QuasiIdentifiers.of(patient, "p", CLOCK).zip3()).isEqualTo(zip3);
  }
}
