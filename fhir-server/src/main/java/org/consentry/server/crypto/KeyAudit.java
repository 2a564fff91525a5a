package org.consentry.server.crypto;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * What key operations tell the audit trail: an erasure (a patient's data key destroyed) and a
 * rotation or re-wrap of keys, each by the request that asked for it.
 */
public interface KeyAudit {

  /** What kind of key operation. */
  enum Rotation {
    /** a new master-key version, every data key re-wrapped under it */
    MASTER_KEY,
    /** new data-key versions, data re-encrypted in the background */
    DATA_KEYS
  }

  void erased(RequestDetails request, String patientId);

  /**
   * @param keyId the key and version concerned ({@code "kek v3"}), or null
   * @param description what was done, in words
   */
  void rotated(RequestDetails request, Rotation rotation, String keyId, String description);
}
