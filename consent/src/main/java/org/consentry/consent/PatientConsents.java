package org.consentry.consent;

import java.util.List;
import java.util.Objects;
import org.consentry.consent.internal.CompiledConsents;

/**
 * One patient's Consents, compiled by {@link ConsentEngine#compile} for fast decisions.
 *
 * <p>Immutable and thread-safe: build it once per patient, cache it, and replace it the moment one
 * of the patient's Consents is created, changed or deleted. It holds only the Consents that can
 * apply (active, of this patient, with an access-control scope); their periods are checked at
 * decision time, so a cached instance stays correct as time passes.
 */
public final class PatientConsents {

  private final CompiledConsents compiled;

  PatientConsents(CompiledConsents compiled) {
    this.compiled = Objects.requireNonNull(compiled, "compiled");
  }

  /** The bare id of the patient ({@code "123"}). */
  public String patientId() {
    return compiled.patientId();
  }

  /** How many Consents were kept (active, of this patient, access-control scope). */
  public int size() {
    return compiled.size();
  }

  /** The kept Consents ({@code "Consent/12"}), most recent {@code Consent.dateTime} first. */
  public List<String> consentIds() {
    return compiled.consentIds();
  }

  CompiledConsents compiled() {
    return compiled;
  }

  @Override
  public String toString() {
    return "PatientConsents[patient=" + patientId() + ", consents=" + consentIds() + "]";
  }
}
