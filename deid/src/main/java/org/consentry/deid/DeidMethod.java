package org.consentry.deid;

import java.util.Locale;
import java.util.Optional;

/**
 * What a rule does to the elements its path selects, and to everything below them. The names are
 * those of FHIR-Tools-for-Anonymization, matched without regard to case ({@code dateshift} too).
 * Each change a method makes puts its label ({@link #label()}, system {@value #LABEL_SYSTEM}) in
 * the changed resource's {@code meta.security}.
 */
public enum DeidMethod {
  /** Leaves the element and everything below it as it is; later rules do not touch it. */
  KEEP("keep", null),
  /** Removes the element (with the profile's partial-redaction parameters: see README). */
  REDACT("redact", "REDACTED"),
  /** Replaces ids, references and text by keyed pseudonyms (HMAC-SHA256 under the study key). */
  CRYPTO_HASH("cryptoHash", "PSEUDED"),
  /** Moves dates by the patient's fixed number of days, keeping time of day and zone. */
  DATE_SHIFT("dateShift", "MASKED"),
  /** Dates to their year, ages of 90 and over to 90+, ZIP codes to ZIP3, addresses to state. */
  GENERALIZE("generalize", "ABSTRED");

  /** The code system of the labels: HL7 v3 ObservationValue. */
  public static final String LABEL_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

  private final String jsonName;
  private final String label;

  DeidMethod(String jsonName, String label) {
    this.jsonName = jsonName;
    this.label = label;
  }

  /** The name in a profile: {@code keep}, {@code redact}, {@code cryptoHash}... */
  public String jsonName() {
    return jsonName;
  }

  /**
   * The v3-ObservationValue code a change by this method puts in {@code meta.security} (REDACTED,
   * PSEUDED, MASKED, ABSTRED); {@code keep} changes nothing and has none.
   */
  public Optional<String> label() {
    return Optional.ofNullable(label);
  }

  /** The method a profile names, without regard to case; empty if there is none such. */
  public static Optional<DeidMethod> fromJson(String name) {
    for (DeidMethod method : values()) {
      if (method.jsonName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return Optional.of(method);
      }
    }
    return Optional.empty();
  }
}
