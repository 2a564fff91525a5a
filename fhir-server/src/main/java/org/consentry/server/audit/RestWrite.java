package org.consentry.server.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;

/** A RESTful write, with its BALP profiles (without and with a patient) and interactions. */
public enum RestWrite {
  CREATE(BalpProfileEnum.BASIC_CREATE, BalpProfileEnum.PATIENT_CREATE, "create"),
  UPDATE(BalpProfileEnum.BASIC_UPDATE, BalpProfileEnum.PATIENT_UPDATE, "update", "patch"),
  DELETE(BalpProfileEnum.BASIC_DELETE, BalpProfileEnum.PATIENT_DELETE, "delete");

  private final BalpProfileEnum basic;
  private final BalpProfileEnum patient;
  private final List<String> interactions;

  RestWrite(BalpProfileEnum basic, BalpProfileEnum patient, String... interactions) {
    this.basic = basic;
    this.patient = patient;
    this.interactions = List.of(interactions);
  }

  /**
   * The write's event (BALP Create, Update, Delete, or their Patient variant naming the patient
   * whose data it is: one event per patient, as the profiles allow one), laid out as HAPI's BALP
   * capture lays it out: client and server typed by the profile (source and destination roles;
   * application and custodian for a delete), the user as author (the IG's binding, where HAPI puts
   * information recipient), the resource written as the data entity, no narrative. The subtype is
   * the write's own interaction ({@code create} for a PUT that created); a write inside a {@code
   * transaction} or {@code batch} has that as a second one.
   */
  AuditEvent event(
      AuditRequest request,
      String base,
      String issuer,
      String interaction,
      String resource,
      String patientId) {
    BalpProfileEnum profile = patientId == null ? basic : patient;
    AuditEvent event = AuditEvents.rest(profile.getProfileUrl(), profile.getAction(), base);
    String own =
        interaction != null && interactions.contains(interaction)
            ? interaction
            : interactions.get(0);
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, own, own));
    if ("transaction".equals(interaction) || "batch".equals(interaction)) {
      event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, interaction, interaction));
    }
    Agents.rest(
        event,
        request,
        profile.getAgentClientTypeCoding(),
        profile.getAgentServerTypeCoding(),
        Balp.coding(Balp.PARTICIPATION, "AUT", "author (originator)"),
        base,
        issuer);
    Balp.addResource(event, request.requestId(), resource, patientId);
    return event;
  }
}
