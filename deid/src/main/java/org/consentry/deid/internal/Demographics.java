package org.consentry.deid.internal;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDate;
import java.time.Period;
import java.util.Map;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;

/**
 * Reads a Patient's quasi-identifiers (age, sex, ZIP3, race, ethnicity) and puts ages in bands: the
 * helpers behind {@code QuasiIdentifiers} and the two reports.
 */
public final class Demographics {

  /** The value of a quasi-identifier that the Patient does not state. */
  public static final String UNKNOWN = "unknown";

  /** The age that stands for "90 or older": ages are capped here, as Safe Harbor requires. */
  public static final int AGE_CAP = 90;

  public static final String RACE_URL =
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
  public static final String ETHNICITY_URL =
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";

  /** The OMB categories of US Core (CDC Race and Ethnicity code system), by code. */
  private static final Map<String, String> OMB =
      Map.of(
          "1002-5", "American Indian or Alaska Native",
          "2028-9", "Asian",
          "2054-5", "Black or African American",
          "2076-8", "Native Hawaiian or Other Pacific Islander",
          "2106-3", "White",
          "2135-2", "Hispanic or Latino",
          "2186-5", "Not Hispanic or Latino");

  /** More than one OMB race category. */
  public static final String MULTIPLE = "multiple";

  private Demographics() {}

  /**
   * Completed years from the birth date to {@code asOf}, capped at {@link #AGE_CAP}; null if the
   * birth date is absent or after {@code asOf}. A birth date given to the year only counts from 1
   * July, to the month only from the 15th.
   */
  public static Integer age(Patient patient, LocalDate asOf) {
    if (!patient.hasBirthDateElement() || patient.getBirthDateElement().getYear() == null) {
      return null;
    }
    DateType birth = patient.getBirthDateElement();
    TemporalPrecisionEnum precision = birth.getPrecision();
    int month = precision == TemporalPrecisionEnum.YEAR ? 7 : birth.getMonth() + 1;
    int day =
        switch (precision) {
          case YEAR -> 1;
          case MONTH -> 15;
          default -> birth.getDay();
        };
    LocalDate born = LocalDate.of(birth.getYear(), month, day);
    if (born.isAfter(asOf)) {
      return null;
    }
    return Math.min(AGE_CAP, Period.between(born, asOf).getYears());
  }

  /** {@code Patient.gender} (female, male, other, unknown), {@link #UNKNOWN} if absent. */
  public static String sex(Patient patient) {
    return patient.hasGender() ? patient.getGender().toCode() : UNKNOWN;
  }

  /**
   * The ZIP3 of the Patient's address (the first home address with a postal code, else the first
   * address with one): the first three digits, {@code 000} for the 17 restricted areas (Safe
   * Harbor's generalization, the same as the {@code generalize} method); {@link #UNKNOWN} if there
   * is no US ZIP code.
   */
  public static String zip3(Patient patient) {
    Address chosen = null;
    for (Address address : patient.getAddress()) {
      if (!address.hasPostalCode()) {
        continue;
      }
      if (address.getUse() == Address.AddressUse.HOME) {
        chosen = address;
        break;
      }
      if (chosen == null) {
        chosen = address;
      }
    }
    if (chosen == null) {
      return UNKNOWN;
    }
    String zip3 = Generalize.zip3(chosen.getPostalCode(), Generalize.RESTRICTED_ZIP3);
    return zip3 == null ? UNKNOWN : zip3;
  }

  /**
   * The OMB race category of the US Core race extension: its name (e.g. {@code White}); {@link
   * #MULTIPLE} if more than one is given; {@link #UNKNOWN} if the extension or its ombCategory is
   * absent, or is UNK or ASKU.
   */
  public static String race(Patient patient) {
    return ombCategory(patient, RACE_URL);
  }

  /** The OMB ethnicity category of the US Core ethnicity extension, as for {@link #race}. */
  public static String ethnicity(Patient patient) {
    return ombCategory(patient, ETHNICITY_URL);
  }

  private static String ombCategory(Patient patient, String url) {
    TreeSet<String> categories = new TreeSet<>();
    for (Extension extension : patient.getExtensionsByUrl(url)) {
      for (Extension omb : extension.getExtensionsByUrl("ombCategory")) {
        if (omb.getValue() instanceof Coding coding) {
          String name = name(coding);
          if (name != null) {
            categories.add(name);
          }
        }
      }
    }
    if (categories.isEmpty()) {
      return UNKNOWN;
    }
    return categories.size() == 1 ? categories.first() : MULTIPLE;
  }

  private static String name(Coding coding) {
    String code = coding.hasCode() ? coding.getCode().strip() : "";
    if (code.equals("UNK") || code.equals("ASKU")) {
      return null;
    }
    String known = OMB.get(code);
    if (known != null) {
      return known;
    }
    if (coding.hasDisplay() && !coding.getDisplay().isBlank()) {
      return coding.getDisplay().strip();
    }
    return code.isEmpty() ? null : code;
  }

  /**
   * The age band of {@code age} in bands of {@code width} years from 0 ({@code 0-4}, {@code 5-9},
   * ...); the band below 90 ends at 89 ({@code 80-89} for a width of 20); {@code 90+} for 90 and
   * over, whatever the width; {@code any} for a width of 0 (one band); {@link #UNKNOWN} for null.
   */
  public static String ageBand(Integer age, int width) {
    if (width < 0) {
      throw new IllegalArgumentException("an age band width must be 0 (one band) or positive");
    }
    if (width == 0) {
      return "any";
    }
    if (age == null) {
      return UNKNOWN;
    }
    if (age >= AGE_CAP) {
      return AGE_CAP + "+";
    }
    int low = age / width * width;
    int high = Math.min(low + width - 1, AGE_CAP - 1);
    return low + "-" + high;
  }

  /**
   * Orders values of one dimension for a report: age bands by their first year, then other values
   * by name, {@link #UNKNOWN} last.
   */
  public static int compareValues(String a, String b) {
    int rank = Integer.compare(rank(a), rank(b));
    if (rank != 0) {
      return rank;
    }
    int year = Integer.compare(firstYear(a), firstYear(b));
    return year != 0 ? year : a.compareTo(b);
  }

  private static int rank(String value) {
    return value.equals(UNKNOWN) ? 1 : 0;
  }

  private static int firstYear(String value) {
    int end = 0;
    while (end < value.length() && Character.isDigit(value.charAt(end))) {
      end++;
    }
    boolean band = end > 0 && end < value.length() && "-+".indexOf(value.charAt(end)) >= 0;
    return band ? Integer.parseInt(value.substring(0, end)) : -1;
  }
}
