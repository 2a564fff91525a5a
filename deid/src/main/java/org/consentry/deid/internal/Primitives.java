package org.consentry.deid.internal;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UriType;

/**
 * The methods applied to one primitive value. Each returns its outcome as {@link Labels} bits:
 * {@link Labels#REMOVE} if the element is to go, plus the label of the change (0: unchanged).
 */
final class Primitives {

  private static final int REDACTED = Labels.REMOVE | Labels.REDACTED;

  private Primitives() {}

  static int redact(String name, PrimitiveType<?> value, Settings settings, int topYear) {
    if (settings.partialDates() && value instanceof BaseDateTimeType date) {
      return toYear(date, topYear);
    }
    if (settings.partialZips() && name.equals("postalCode") && isText(value)) {
      return zip3(value, settings);
    }
    return REDACTED;
  }

  static int generalize(
      String name, PrimitiveType<?> value, boolean direct, Settings settings, int topYear) {
    if (value instanceof BaseDateTimeType date) {
      return toYear(date, topYear);
    }
    if ((name.equals("postalCode") || direct) && isText(value)) {
      return zip3(value, settings);
    }
    return 0;
  }

  static int shift(PrimitiveType<?> value, int days) {
    if (!(value instanceof BaseDateTimeType) || !value.hasValue()) {
      return 0;
    }
    String shifted = Dates.shift(value.getValueAsString(), days);
    if (shifted == null) {
      return REDACTED;
    }
    value.setValueAsString(shifted);
    return Labels.MASKED;
  }

  /**
   * Pseudonymizes a text value. References and URIs are rewritten by {@link References} (only their
   * ids change), {@code ifNoneExist} queries likewise, resource ids keep their form. A value that
   * is not text (a number, a date, a coded enumeration) cannot hold a pseudonym: it is removed.
   */
  static int hash(String name, Base parent, PrimitiveType<?> value, Keys.Session keys) {
    if (!value.hasValue()) {
      return 0;
    }
    if (value instanceof IdType id) {
      String text = id.getValue();
      id.setValue(
          text.startsWith("#")
              ? "#" + keys.pseudonym(text.substring(1))
              : keys.pseudonym(id.getIdPart()));
      return Labels.PSEUDED;
    }
    if (!isText(value)) {
      return REDACTED;
    }
    String text = value.getValueAsString();
    String hashed;
    if (name.equals("ifNoneExist")) {
      hashed = References.rewriteQuery(text, keys);
    } else if (value instanceof UriType
        || (parent instanceof Reference && name.equals("reference"))) {
      hashed = References.rewrite(text, keys);
    } else {
      hashed = keys.pseudonym(text);
    }
    if (hashed == null) {
      return REDACTED;
    }
    value.setValueAsString(hashed);
    return Labels.PSEUDED;
  }

  /** The date's year; a year 90 or more years ago becomes that limit (one "90+" category). */
  private static int toYear(BaseDateTimeType date, int topYear) {
    if (!date.hasValue()) {
      return 0;
    }
    if (date instanceof InstantType) {
      return REDACTED; // an instant cannot hold a year alone
    }
    int year = Dates.year(date.getValueAsString());
    if (year < 0) {
      return REDACTED;
    }
    date.setValueAsString(Dates.pad(Math.max(year, topYear)));
    return Labels.ABSTRED;
  }

  private static int zip3(PrimitiveType<?> value, Settings settings) {
    if (!value.hasValue()) {
      return 0;
    }
    String zip3 = Generalize.zip3(value.getValueAsString(), settings.restrictedZip3());
    if (zip3 == null) {
      return REDACTED;
    }
    value.setValueAsString(zip3);
    return Labels.ABSTRED;
  }

  private static boolean isText(PrimitiveType<?> value) {
    return !(value instanceof Enumeration) && value.getValue() instanceof String;
  }
}
