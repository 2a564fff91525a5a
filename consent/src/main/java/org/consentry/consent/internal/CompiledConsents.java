package org.consentry.consent.internal;

import java.util.Arrays;
import java.util.List;
import org.consentry.consent.Decision;

/** A patient's compiled Consents, most recent first; immutable. Not API. */
public final class CompiledConsents {

  private final String patientId;
  private final CompiledConsent[] consents;
  private final Decision ownRecord;

  CompiledConsents(String patientId, CompiledConsent[] consents, Decision ownRecord) {
    this.patientId = patientId;
    this.consents = consents;
    this.ownRecord = ownRecord;
  }

  public String patientId() {
    return patientId;
  }

  public int size() {
    return consents.length;
  }

  public List<String> consentIds() {
    return Arrays.stream(consents).map(CompiledConsent::id).toList();
  }

  CompiledConsent[] consents() {
    return consents;
  }

  Decision ownRecord() {
    return ownRecord;
  }
}
