package org.consentry.server.consent;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * The short label and the date of a resource in a record preview ({@link RecordPreview}), read from
 * the resource as stored.
 *
 * <p>Only element values are read, never extensions: an element the crypto module encrypted keeps
 * its ciphertext in an extension and has no value, so it reads as absent here and the label falls
 * back to the next candidate, then to the type name. No ciphertext can reach a label.
 */
final class PreviewLabels {

  /** Elements that name what a resource is about, in order of preference. */
  private static final List<String> LABELS =
      List.of("code", "medication[x]", "vaccineCode", "type");

  /** Elements that date a resource, in order of preference. */
  private static final List<String> DATES =
      List.of(
          "effective[x]",
          "onset[x]",
          "authoredOn",
          "occurrence[x]",
          "performed[x]",
          "recordedDate",
          "recorded",
          "period");

  static final int MAX_LENGTH = 120;

  private PreviewLabels() {}

  /**
   * The text or first coding display of the resource's code (Condition.code, Observation.code,
   * MedicationRequest.medicationCodeableConcept, Immunization.vaccineCode, Encounter.type...), else
   * its type name.
   */
  static String display(Resource resource) {
    for (String element : LABELS) {
      for (Base value : values(resource, element)) {
        if (value instanceof CodeableConcept concept) {
          Optional<String> label = label(concept);
          if (label.isPresent()) {
            return shorten(label.get());
          }
        }
      }
    }
    return resource.fhirType();
  }

  /**
   * The resource's obvious date (effective, onset, authoredOn, occurrence, performed, recorded,
   * period start), as stored and with its precision; empty if it has none.
   */
  static Optional<DateTimeType> date(Resource resource) {
    for (String element : DATES) {
      for (Base value : values(resource, element)) {
        BaseDateTimeType date =
            value instanceof Period period ? period.getStartElement() : dateOrNull(value);
        if (date != null && date.getValueAsString() != null) {
          return Optional.of(new DateTimeType(date.getValueAsString()));
        }
      }
    }
    return Optional.empty();
  }

  private static BaseDateTimeType dateOrNull(Base value) {
    return value instanceof BaseDateTimeType date ? date : null;
  }

  private static Optional<String> label(CodeableConcept concept) {
    if (isText(concept.getText())) {
      return Optional.of(concept.getText());
    }
    for (Coding coding : concept.getCoding()) {
      if (isText(coding.getDisplay())) {
        return Optional.of(coding.getDisplay());
      }
    }
    return Optional.empty();
  }

  private static List<Base> values(Resource resource, String element) {
    Property property = resource.getNamedProperty(element);
    return property == null ? List.of() : property.getValues();
  }

  private static boolean isText(String value) {
    return value != null && !value.isBlank();
  }

  private static String shorten(String label) {
    String line = label.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 1) + "…";
  }
}
