package org.consentry.server.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import java.util.List;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Adds to a BALP AuditEvent made by HAPI's {@code BalpAuditCaptureInterceptor} (through {@link
 * BalpContext}) what HAPI cannot know, and corrects where HAPI 8.8 departs from the BALP IG.
 *
 * <p>{@link #enrich} adds:
 *
 * <ul>
 *   <li>{@code purposeOfEvent} and the user agent's {@code purposeOfUse}: the requester's
 *       v3-ActReason purpose ({@code TREAT}, {@code ETREAT}, {@code HRESCH}...);
 *   <li>the requester's organization as its own agent, as BALP's token patterns and AuthZconsent
 *       record it ({@code agent[userorg]}: type v3-RoleClass {@code PROV}, {@code who} the
 *       Organization, not the requestor);
 *   <li>type v3-RoleClass {@code PAT} besides on the user agent when the user is the patient;
 *   <li>the source type (security-source-type 4, Application Server) and the server agent's network
 *       type (5, URI), which HAPI leaves empty;
 * </ul>
 *
 * and corrects: on Read and PatientRead, HAPI codes the client as Source Role ID (110153) and the
 * server as Destination Role ID (110152), the IG the other way round (data flows from the server to
 * the client; Query keeps the DICOM convention HAPI follows); on Create, Update and Delete the IG
 * binds the user agent's type to author, informant or custodian, where HAPI puts information
 * recipient (IRCP): it becomes author (AUT).
 *
 * <p>{@link #addConsentDecision} records the Consent that decided, as BALP's AuthZconsent records
 * it: an entity of type resource-types {@code Consent}, {@code what} the Consent.
 *
 * <p>Both are idempotent, take events of any kind, and change nothing else. Not thread-safe on one
 * event (as AuditEvent itself).
 */
public final class AuditEnrichment {

  private AuditEnrichment() {}

  /**
   * Enriches {@code event} for {@code requester} ({@code null}: the server's own work, nothing to
   * add of a requester) and returns it.
   */
  public static AuditEvent enrich(AuditEvent event, Requester requester) {
    if (requester != null) {
      if (!Agents.hasCoding(event.getPurposeOfEvent(), Balp.ACT_REASON, requester.purposeOfUse())) {
        event.addPurposeOfEvent().addCoding(Balp.purpose(requester.purposeOfUse()));
      }
      AuditEventAgentComponent user = user(event);
      if (user != null) {
        Agents.describeUser(user, requester);
      }
      Agents.addOrganization(event, requester);
    }
    if (!event.getSource().hasType()) {
      event.getSource().addType(Balp.coding(Balp.SOURCE_TYPE, "4", "Application Server"));
    }
    correctHapi(event);
    return event;
  }

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

  private static AuditEventAgentComponent user(AuditEvent event) {
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (agent.getRequestor()) {
        return agent;
      }
    }
    return null;
  }

  private static void correctHapi(AuditEvent event) {
    String profile = event.getMeta().getProfile().isEmpty() ? null : profile(event);
    if (profile == null) {
      return;
    }
    String serverBase = event.getSource().getObserver().getDisplay();
    AuditEventAgentComponent server = null;
    AuditEventAgentComponent client = null;
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (agent.getRequestor()) {
        continue;
      }
      boolean isServer =
          serverBase != null
              && serverBase.equals(agent.getWho().getDisplay())
              && serverBase.equals(agent.getNetwork().getAddress());
      if (isServer && server == null) {
        server = agent;
      } else if (client == null && agent.getNetwork().hasAddress()) {
        client = agent;
      }
    }
    if (server != null && !server.getNetwork().hasType()) {
      server.getNetwork().setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_URI);
    }
    if (profile.equals(BalpProfileEnum.BASIC_READ.getProfileUrl())
        || profile.equals(BalpProfileEnum.PATIENT_READ.getProfileUrl())) {
      recode(client, "110153", Balp.destinationRole());
      recode(server, "110152", Balp.sourceRole());
    }
    if (isCreateUpdateDelete(profile)) {
      for (AuditEventAgentComponent agent : event.getAgent()) {
        if (agent.getRequestor()) {
          recode(agent, "IRCP", Balp.coding(Balp.PARTICIPATION, "AUT", "author (originator)"));
        }
      }
    }
  }

  private static String profile(AuditEvent event) {
    return event.getMeta().getProfile().get(0).getValue();
  }

  private static boolean isCreateUpdateDelete(String profile) {
    return List.of(
            BalpProfileEnum.BASIC_CREATE,
            BalpProfileEnum.PATIENT_CREATE,
            BalpProfileEnum.BASIC_UPDATE,
            BalpProfileEnum.PATIENT_UPDATE,
            BalpProfileEnum.BASIC_DELETE,
            BalpProfileEnum.PATIENT_DELETE)
        .stream()
        .anyMatch(p -> p.getProfileUrl().equals(profile));
  }

  /** Replaces the coding with code {@code from} of the agent's type by {@code to}. */
  private static void recode(AuditEventAgentComponent agent, String from, Coding to) {
    if (agent == null) {
      return;
    }
    CodeableConcept type = agent.getType();
    for (int i = 0; i < type.getCoding().size(); i++) {
      if (from.equals(type.getCoding().get(i).getCode())) {
        type.getCoding().set(i, to);
      }
    }
  }
}
