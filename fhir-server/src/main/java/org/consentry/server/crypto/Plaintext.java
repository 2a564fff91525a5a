package org.consentry.server.crypto;

import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Decryption for features that must read a stored resource's protected fields themselves, after the
 * decision step has let it through: a research export de-identifies the plaintext (a pseudonym of a
 * ciphertext would change with every write, a generalized ciphertext is meaningless). The resource
 * is changed in place: encrypted fields decrypted (masked where the patient's key was erased),
 * blind-index entries removed from a Patient. Never call it for what consent hides.
 */
public final class Plaintext {

  private final ResourceEncryption encryption;

  Plaintext(ResourceEncryption encryption) {
    this.encryption = encryption;
  }

  /** Decrypts the resource (its contained resources and Bundle entries too) in place. */
  public void reveal(Resource resource) {
    encryption.decrypt(resource);
    if (resource instanceof Patient patient) {
      BlindIndexTokens.strip(patient);
    }
  }
}
