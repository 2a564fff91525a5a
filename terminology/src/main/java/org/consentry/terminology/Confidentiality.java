package org.consentry.terminology;

import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/**
 * An HL7 v3 Confidentiality level, declared in increasing order U &lt; L &lt; M &lt; N &lt; R &lt;
 * V, so {@link #compareTo} says which of two levels is the more restrictive. The labeler puts R on
 * sensitive data and N on the rest, and never lowers a level a resource already carries.
 */
public enum Confidentiality {
  U("unrestricted"),
  L("low"),
  M("moderate"),
  N("normal"),
  R("restricted"),
  V("very restricted");

  /** The code system of every constant. */
  public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

  /** The system URL of DSTU2 and STU3, still sent by older clients; read, never written. */
  static final String LEGACY_SYSTEM = "http://hl7.org/fhir/v3/Confidentiality";

  private final String display;

  Confidentiality(String display) {
    this.display = display;
  }

  public String system() {
    return SYSTEM;
  }

  public String code() {
    return name();
  }

  public String display() {
    return display;
  }

  /** A new coding for {@code meta.security}. */
  public Coding toCoding() {
    return new Coding(SYSTEM, name(), display);
  }

  /**
   * The level a security coding states, or empty if the coding is not a confidentiality level
   * (another system, or a deprecated v3-Confidentiality code such as {@code C} or {@code T}).
   */
  public static Optional<Confidentiality> fromCoding(Coding coding) {
    if (coding == null || coding.getCode() == null) {
      return Optional.empty();
    }
    String system = coding.getSystem();
    if (!SYSTEM.equals(system) && !LEGACY_SYSTEM.equals(system)) {
      return Optional.empty();
    }
    for (Confidentiality level : values()) {
      if (level.name().equals(coding.getCode())) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }
}
