package org.consentry.server.audit;

import org.consentry.consent.Decision;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Records the Consent that decided on an AuditEvent ({@link #addConsentDecision}), as BALP's
 * AuthZconsent records it: an entity of type resource-types {@code Consent}, {@code what} the
 * Consent. Idempotent; changes nothing else. Not thread-safe on one event (as AuditEvent itself).
 */
public final class AuditEnrichment {

  private AuditEnrichment() {}

  /**
   * Adds the Consent that made {@code decision} (type resource-types Consent, {@code what} the
   * Consent, the deciding provision and the reason as detail and description); nothing when no
   * Consent decided (the patient's own record, the deployment default). Returns the event.
   */
  public static AuditEvent addConsentDecision(AuditEvent event, Decision decision) {
    if (decision == null || decision.consentId() == null) {
      return event;
    }
    for (AuditEventEntityComponent entity : event.getEntity()) {
      if (isConsent(entity) && decision.consentId().equals(entity.getWhat().getReference())) {
        return event;
      }
    }
    consentEntity(event, decision);
    return event;
  }

  static AuditEventEntityComponent consentEntity(AuditEvent event, Decision decision) {
    AuditEventEntityComponent entity = event.addEntity();
    entity.setType(Balp.coding(Balp.RESOURCE_TYPES, "Consent", "Consent"));
    entity.setWhat(new Reference(decision.consentId()));
    entity.setDescription(
        (decision.permitted() ? "permit: " : "deny: ")
            + decision.reason()
            + (decision.emergencyOverride() ? " (emergency override)" : ""));
    if (decision.provisionPath() != null) {
      entity.addDetail().setType("provision").setValue(new StringType(decision.provisionPath()));
    }
    return entity;
  }

  static boolean isConsent(AuditEventEntityComponent entity) {
    return Balp.RESOURCE_TYPES.equals(entity.getType().getSystem())
        && "Consent".equals(entity.getType().getCode());
  }
}
