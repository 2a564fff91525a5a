package org.consentry.server.crypto;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

/**
 * Which elements are encrypted, from configuration. Paths are {@code Type.element} (the whole
 * element, any datatype; a choice as {@code value[x]} or typed, {@code valueString}) or {@code
 * Type.element.child...} ending in a primitive or {@code text.div}. {@code DomainResource} and
 * {@code *} match every type; {@code Reference(Patient).display} is the display of every reference
 * to a Patient. A pure function of its configuration; thread-safe.
 */
final class EncryptionPolicy {

  static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  private static final String PATIENT_DISPLAY = "Reference(Patient).display";

  private final Set<String> always = new HashSet<>();
  private final Set<String> restricted = new HashSet<>();
  private final boolean patientDisplays;

  EncryptionPolicy(List<String> encrypt, List<String> encryptRestricted) {
    this.patientDisplays =
        encrypt.contains(PATIENT_DISPLAY) || encryptRestricted.contains(PATIENT_DISPLAY);
    encrypt.stream()
        .filter(p -> !p.equals(PATIENT_DISPLAY))
        .map(EncryptionPolicy::validated)
        .forEach(always::add);
    encryptRestricted.stream()
        .filter(p -> !p.equals(PATIENT_DISPLAY))
        .map(EncryptionPolicy::validated)
        .forEach(restricted::add);
  }

  /** The default policy of {@link CryptoProperties}. */
  static EncryptionPolicy defaults() {
    return new EncryptionPolicy(
        List.of(
            "Patient.name",
            "Patient.telecom",
            "Patient.address",
            "Patient.identifier.value",
            "Patient.photo",
            "Patient.contact",
            "Observation.note",
            "Observation.valueString",
            "Observation.component.valueString",
            "DomainResource.text.div",
            "DocumentReference.content.attachment.data",
            "DiagnosticReport.presentedForm.data",
            "Device.identifier.value",
            "Device.serialNumber",
            "Device.udiCarrier",
            "Device.distinctIdentifier",
            PATIENT_DISPLAY),
        List.of("*.value[x]", "*.note"));
  }

  private static String validated(String path) {
    String[] parts = path.split("\\.");
    if (parts.length < 2 || path.contains("..") || !parts[0].matches("[A-Z][A-Za-z]*|\\*")) {
      throw new IllegalArgumentException(
          "consentry.crypto: '"
              + path
              + "' is not an element path such as "
              + "Patient.name or Patient.identifier.value");
    }
    return path;
  }

  /** Whether a resource is labelled restricted (R) or very restricted (V). */
  static boolean isRestricted(Resource resource) {
    for (Coding label : resource.getMeta().getSecurity()) {
      if (CONFIDENTIALITY.equals(label.getSystem())
          && ("R".equals(label.getCode()) || "V".equals(label.getCode()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the element at {@code path} (type, then child names, a choice as {@code value[x]}) is
   * encrypted when it holds a value of FHIR type {@code fhirType}.
   */
  boolean encrypts(String type, String relativePath, String fhirType, boolean restrictedResource) {
    return matches(always, type, relativePath, fhirType)
        || restrictedResource && matches(restricted, type, relativePath, fhirType);
  }

  /** Whether any rule reaches below the top level of this type, so the walk must descend. */
  boolean descends(String type, boolean restrictedResource) {
    return patientDisplays
        || hasNested(always, type)
        || restrictedResource && hasNested(restricted, type);
  }

  boolean encryptsPatientDisplays() {
    return patientDisplays;
  }

  private static boolean hasNested(Set<String> paths, String type) {
    return paths.stream()
        .anyMatch(
            p ->
                appliesTo(p.substring(0, p.indexOf('.')), type)
                    && p.indexOf('.', p.indexOf('.') + 1) > 0);
  }

  private static boolean matches(
      Set<String> paths, String type, String relativePath, String fhirType) {
    for (String candidate : candidates(relativePath, fhirType)) {
      for (String prefix : List.of(type, "DomainResource", "*")) {
        if (paths.contains(prefix + "." + candidate) && appliesTo(prefix, type)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code value[x]} also matches its typed form, {@code valueString} for a string. */
  private static List<String> candidates(String relativePath, String fhirType) {
    if (!relativePath.endsWith("[x]") || fhirType == null) {
      return List.of(relativePath);
    }
    String base = relativePath.substring(0, relativePath.length() - 3);
    String typed = base + fhirType.substring(0, 1).toUpperCase(Locale.ROOT) + fhirType.substring(1);
    return List.of(relativePath, typed);
  }

  private static boolean appliesTo(String prefix, String type) {
    return prefix.equals(type)
        || prefix.equals("*")
        || prefix.equals("DomainResource")
            && !type.equals("Bundle")
            && !type.equals("Binary")
            && !type.equals("Parameters");
  }
}
