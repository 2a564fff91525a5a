package org.consentry.deid;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import org.consentry.deid.internal.Demographics;
import org.hl7.fhir.r4.model.Patient;

/**
 * One patient's quasi-identifiers: the attributes that, combined, could single a person out of a
 * research export, and over which {@link RiskReport} and {@link RepresentativenessReport} count.
 * Holds no direct identifier: the patient is named by a pseudonymous key, and the age is already
 * capped at 90 and the ZIP code cut to three digits, as in a Safe Harbor export.
 *
 * @param patientKey the patient's pseudonymous id in the export (for example {@link
 *     Deidentifier#pseudonym(String)} of the Patient id): how {@link RiskReport} names the patients
 *     it suppresses. Unique within one cohort.
 * @param age completed years at the reference date, capped at 90 (90 means "90 or older"); null if
 *     unknown
 * @param sex {@code Patient.gender}: {@code female}, {@code male}, {@code other} or {@code unknown}
 * @param zip3 the first three digits of the US ZIP code, {@code 000} for the 17 restricted areas;
 *     {@code unknown} if none
 * @param race the US Core OMB race category's name (e.g. {@code White}), {@code multiple} if more
 *     than one, {@code unknown} if absent (or UNK, ASKU)
 * @param ethnicity the US Core OMB ethnicity category's name ({@code Hispanic or Latino}, {@code
 *     Not Hispanic or Latino}), {@code unknown} if absent
 */
public record QuasiIdentifiers(
    String patientKey, Integer age, String sex, String zip3, String race, String ethnicity) {

  /** The value of a quasi-identifier that is not known. */
  public static final String UNKNOWN = Demographics.UNKNOWN;

  /**
   * Null values become {@link #UNKNOWN}; an age is capped at 90.
   *
   * @throws IllegalArgumentException if the age is negative
   * @throws NullPointerException if the patient key is null
   */
  public QuasiIdentifiers {
    Objects.requireNonNull(patientKey, "patientKey");
    if (age != null && age < 0) {
      throw new IllegalArgumentException("a negative age: " + age);
    }
    age = age == null ? null : Math.min(age, Demographics.AGE_CAP);
    sex = orUnknown(sex);
    zip3 = orUnknown(zip3);
    race = orUnknown(race);
    ethnicity = orUnknown(ethnicity);
  }

  /**
   * Reads the quasi-identifiers of a Patient, its age counted to the clock's current date (in the
   * clock's zone): {@code birthDate}, {@code gender}, the home (else first) address's {@code
   * postalCode}, and the {@code ombCategory} of the US Core race and ethnicity extensions. A
   * deceased patient is aged to the same date (the export holds the birth date, or its year, not
   * the age at death).
   *
   * @param patientKey the pseudonymous key the reports use for this patient
   */
  public static QuasiIdentifiers of(Patient patient, String patientKey, Clock clock) {
    return of(patient, patientKey, LocalDate.now(clock));
  }

  /** As {@link #of(Patient, String, Clock)}, the age counted to {@code asOf}. */
  public static QuasiIdentifiers of(Patient patient, String patientKey, LocalDate asOf) {
    Objects.requireNonNull(patient, "patient");
    Objects.requireNonNull(asOf, "asOf");
    return new QuasiIdentifiers(
        patientKey,
        Demographics.age(patient, asOf),
        Demographics.sex(patient),
        Demographics.zip3(patient),
        Demographics.race(patient),
        Demographics.ethnicity(patient));
  }

  /**
   * The age band in bands of {@code width} years from 0 ({@code 0-4}, {@code 5-9}, ... with 5); the
   * last band below 90 ends at 89 ({@code 80-89} with 20); {@code 90+} for 90 and over at any
   * width; {@code any} for a width of 0 (one band); {@code unknown} for an unknown age.
   */
  public String ageBand(int width) {
    return Demographics.ageBand(age, width);
  }

  private static String orUnknown(String value) {
    return value == null || value.isBlank() ? UNKNOWN : value.strip();
  }
}
