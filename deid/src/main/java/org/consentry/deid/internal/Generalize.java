package org.consentry.deid.internal;

import java.math.BigDecimal;
import java.util.Set;
import org.hl7.fhir.r4.model.Quantity;

/**
 * The Safe Harbor generalizations of 45 CFR 164.514(b)(2)(i)(B) and (C): ZIP codes to their first
 * three digits (000 for the sparsely populated three-digit areas), ages of 90 and over to one
 * category "90 or older", dates to their year.
 */
final class Generalize {

  /**
   * The 17 three-digit ZIP areas of 20,000 or fewer people (2000 census), as listed in HHS's
   * de-identification guidance: their ZIP3 becomes {@code 000}.
   */
  static final Set<String> RESTRICTED_ZIP3 =
      Set.of(
          "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
          "879", "884", "890", "893");

  static final String UCUM = "http://unitsofmeasure.org";

  private Generalize() {}

  /**
   * The first three digits of a US ZIP code ({@code 02139}, {@code 02139-4307}), or {@code 000} if
   * restricted; null (remove) for anything that is not a US ZIP code.
   */
  static String zip3(String postalCode, Set<String> restricted) {
    String code = postalCode.strip();
    int length = code.length();
    boolean zip5 = length == 5 && digits(code, 0, 5);
    boolean zip9 =
        length == 10 && digits(code, 0, 5) && code.charAt(5) == '-' && digits(code, 6, 10);
    boolean zip9Plain = length == 9 && digits(code, 0, 9);
    if (!zip5 && !zip9 && !zip9Plain) {
      return null;
    }
    String zip3 = code.substring(0, 3);
    return restricted.contains(zip3) ? "000" : zip3;
  }

  /**
   * Caps an age (an {@code Age}, or a Quantity of time) at "90 or older": value 90, comparator
   * {@code >=}, unit {@code a}. True if it changed. An age in an unknown unit is not touched.
   */
  static boolean capAge(Quantity age) {
    if (!age.hasValue()) {
      return false;
    }
    double years = years(age.getValue(), age.hasCode() ? age.getCode() : age.getUnit());
    if (Double.isNaN(years) || Math.floor(years) < 90) {
      return false;
    }
    age.setValue(90);
    age.setComparator(Quantity.QuantityComparator.GREATER_OR_EQUAL);
    age.setUnit("a").setSystem(UCUM).setCode("a");
    return true;
  }

  private static double years(BigDecimal value, String unit) {
    double amount = value.doubleValue();
    if (unit == null) {
      return Double.NaN;
    }
    return switch (unit.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "a", "yr", "yrs", "year", "years" -> amount;
      case "mo", "month", "months" -> amount / 12;
      case "wk", "week", "weeks" -> amount * 7 / 365.25;
      case "d", "day", "days" -> amount / 365.25;
      case "h", "hour", "hours" -> amount / 8766;
      case "min", "minute", "minutes" -> amount / 525960;
      default -> Double.NaN;
    };
  }

  private static boolean digits(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
