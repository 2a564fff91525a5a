package org.consentry.server.crypto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.consentry.server.consent.ExportOutputAccess;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * What only the server writes into a stored resource, and where a resource carries it:
 *
 * <ul>
 *   <li>an encrypted-field marker, the extension {@value FieldEncryptor#ENCRYPTED} (whoever writes
 *       one makes the server decrypt it for the resource's readers, so a client could replay
 *       ciphertext from a database dump, or store plaintext that looks encrypted);
 *   <li>a blind-index identifier on a Patient ({@link BlindIndexTokens#PREFIX} systems);
 *   <li>the export-requester security context of a Bulk Data file ({@link
 *       ExportOutputAccess#SYSTEM}): such a Binary is decrypted for its requester as it is
 *       downloaded.
 * </ul>
 *
 * It looks everywhere: nested elements, extensions on primitives, contained resources, Bundle
 * entries at any depth. A pure function of the resources given.
 */
final class ServerMarkers {

  enum Kind {
    ENCRYPTED_FIELD,
    BLIND_INDEX,
    EXPORT_REQUESTER
  }

  /**
   * One marker: its kind, where it sits ({@code Bundle.entry.resource(Patient).name.extension}) and
   * its value (the ciphertext, {@code system|value} of a blind-index identifier).
   */
  record Marker(Kind kind, String path, String value) {}

  private ServerMarkers() {}

  /**
   * The markers of {@code written} that a client may not send: every one, except on an update an
   * encrypted-field marker or blind-index identifier whose exact value the previous stored version
   * holds (a PATCH is applied to the stored, encrypted form, so its result carries them).
   *
   * @param previous the stored version an update replaces, or null for a create
   */
  static List<Marker> notAllowed(Resource written, Resource previous) {
    Set<String> kept = new HashSet<>();
    if (previous != null) {
      for (Marker marker : in(previous)) {
        if (marker.kind() != Kind.EXPORT_REQUESTER && marker.value() != null) {
          kept.add(marker.kind() + " " + marker.value());
        }
      }
    }
    List<Marker> refused = new ArrayList<>();
    for (Marker marker : in(written)) {
      if (marker.kind() == Kind.EXPORT_REQUESTER
          || marker.value() == null
          || !kept.contains(marker.kind() + " " + marker.value())) {
        refused.add(marker);
      }
    }
    return refused;
  }

  /** Every marker of a resource, in document order. */
  static List<Marker> in(Resource resource) {
    List<Marker> found = new ArrayList<>();
    walk(resource, resource.fhirType(), found);
    return found;
  }

  /**
   * The ciphertexts of every encrypted field of a resource, inside its entries and contained
   * resources too.
   */
  static List<String> ciphertexts(Resource resource) {
    return in(resource).stream()
        .filter(m -> m.kind() == Kind.ENCRYPTED_FIELD && m.value() != null)
        .map(Marker::value)
        .toList();
  }

  private static void walk(Base element, String path, List<Marker> found) {
    if (element instanceof Extension extension
        && FieldEncryptor.ENCRYPTED.equals(extension.getUrl())) {
      found.add(
          new Marker(
              Kind.ENCRYPTED_FIELD,
              path,
              extension.getValue() == null ? null : extension.getValue().primitiveValue()));
    }
    if (element instanceof Patient patient) {
      for (Identifier identifier : patient.getIdentifier()) {
        if (identifier.hasSystem() && identifier.getSystem().startsWith(BlindIndexTokens.PREFIX)) {
          found.add(
              new Marker(
                  Kind.BLIND_INDEX,
                  path + ".identifier",
                  identifier.getSystem() + "|" + identifier.getValue()));
        }
      }
    }
    if (element instanceof Binary binary
        && binary.hasSecurityContext()
        && binary.getSecurityContext().hasIdentifier()
        && ExportOutputAccess.SYSTEM.equals(
            binary.getSecurityContext().getIdentifier().getSystem())) {
      found.add(
          new Marker(
              Kind.EXPORT_REQUESTER,
              path + ".securityContext.identifier",
              binary.getSecurityContext().getIdentifier().getValue()));
    }
    for (Property property : element.children()) {
      for (Base value : property.getValues()) {
        if (value != null && !value.isEmpty()) {
          String name = path + "." + property.getName();
          walk(value, value instanceof Resource r ? name + "(" + r.fhirType() + ")" : name, found);
        }
      }
    }
  }
}
