package org.consentry.server.crypto;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.consentry.crypto.KeyDestroyedException;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Encrypts and decrypts a resource as it is stored, with the resources inside it:
 *
 * <ul>
 *   <li>its own elements ({@link FieldEncryptor}) under its owner's key;
 *   <li>its contained resources under the same key (they are part of it);
 *   <li>for a Bundle (collection, document, message, ...): each entry's resource under the key of
 *       that entry's own owner ({@link KeyOwners#ofEntry}), nested Bundles alike; the Bundle's own
 *       elements hold no policy field;
 *   <li>for a Binary that belongs to a patient: its {@code data}, under that patient's key.
 * </ul>
 *
 * Each resource's ciphertexts are bound to that resource's own type and id (a resource inside
 * another without an id: the empty id; a contained resource without one is given an id first, as
 * HAPI's encoder would), so {@link #decrypt} needs no key lookup and works on any copy of the
 * stored form: a read, a history entry, an entry of a search or transaction response.
 */
final class ResourceEncryption {

  private final FieldEncryptor fields;
  private final FieldEncryptor binaryData;
  private final KeyOwners owners;

  /**
   * @param binaryData encrypts {@code Binary.data} (applied only to Binaries of a patient)
   */
  ResourceEncryption(FieldEncryptor fields, FieldEncryptor binaryData, KeyOwners owners) {
    this.fields = fields;
    this.binaryData = binaryData;
    this.owners = owners;
  }

  /**
   * Encrypts, in place, everything the policy names in the resource and in the resources inside it.
   *
   * @param keyId the key of the resource itself (see {@link KeyOwners#of})
   * @throws UnprocessableEntityException (422) if a key needed was erased
   */
  void encrypt(Resource resource, String keyId) {
    encrypt(resource, keyId, new ArrayList<>());
  }

  private void encrypt(Resource resource, String keyId, List<Bundle> enclosing) {
    if (resource instanceof Bundle bundle) {
      enclosing.add(bundle);
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null) {
          encrypt(entry.getResource(), owners.ofEntry(entry.getResource(), enclosing), enclosing);
        }
      }
      enclosing.remove(enclosing.size() - 1);
      return;
    }
    try {
      if (resource instanceof DomainResource domain) {
        for (Resource contained : domain.getContained()) {
          if (!contained.getIdElement().hasIdPart()) {
            contained.setId(UUID.randomUUID().toString());
          }
          fields.encrypt(contained, keyId);
        }
      }
      if (resource instanceof Binary && !KeyOwners.SHARED.equals(keyId)) {
        binaryData.encrypt(resource, keyId);
      }
      fields.encrypt(resource, keyId);
    } catch (KeyDestroyedException e) {
      throw new UnprocessableEntityException(
          "The record of Patient/"
              + keyId
              + " was erased ($erase): "
              + "its data can no longer be written");
    }
  }

  /**
   * Decrypts, in place, every encrypted element of the resource and of the resources inside it; one
   * whose key was erased, or that does not decrypt, is left masked (never an error).
   */
  void decrypt(Resource resource) {
    if (resource instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null) {
          decrypt(entry.getResource());
        }
      }
      return;
    }
    if (resource instanceof DomainResource domain) {
      domain.getContained().forEach(fields::decrypt);
    }
    fields.decrypt(resource);
  }
}
