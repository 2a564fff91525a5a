package org.consentry.server.audit;

/** The key operations the server audits ({@link AuditEvents#keyOperation}). */
public enum KeyOperation {
  /** A new master-key (KEK) version; every data key re-wrapped under it. */
  ROTATE_MASTER_KEY("rotate-master-key", "master key rotated, data keys re-wrapped"),
  /** Data keys re-wrapped under the current master key. */
  REWRAP_DATA_KEYS("rewrap-data-keys", "data keys re-wrapped"),
  /** A new data-key version for a patient (or all), data re-encrypted. */
  ROTATE_DATA_KEY("rotate-data-key", "data key rotated");

  private final String code;
  private final String display;

  KeyOperation(String code, String display) {
    this.code = code;
    this.display = display;
  }

  /** The code in {@link AuditEvents#SUBTYPES}. */
  public String code() {
    return code;
  }

  /** What was done, in words. */
  public String display() {
    return display;
  }
}
