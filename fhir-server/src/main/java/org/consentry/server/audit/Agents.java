package org.consentry.server.audit;

import java.util.List;
import java.util.Map;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Who a {@link Requester} is in an AuditEvent ({@link AuditEvents}).
 *
 * <ul>
 *   <li>user: the requester's {@code fhirUser} ({@code Practitioner/7}; a patient without one is
 *       {@code Patient/ID}) with the token subject as identifier (system: the token issuer, as
 *       BALP's OAuth pattern maps {@code iss} and {@code sub}); a system client is its client id. A
 *       researcher acting for one study is that study ({@code ResearchStudy/ID}), never the
 *       researcher's account, since patients read these events.
 *   <li>client: the OAuth client id as identifier.
 *   <li>no requester (work the server does itself): the server, named {@value Balp#SERVER}.
 * </ul>
 */
final class Agents {

  /** Identifier value of the server when it is the user or the client itself. */
  static final String SERVER_ID = "consentry-server";

  private static final Map<String, String> PURPOSES =
      Map.of(
          "TREAT", "treatment",
          "ETREAT", "Emergency Treatment",
          "HRESCH", "healthcare research",
          "HPAYMT", "healthcare payment",
          "HOPERAT", "healthcare operations",
          "PUBHLTH", "public health",
          "PATRQT", "patient requested",
          "CAREMGT", "care management",
          "HSYSADMIN", "health system administration");

  private Agents() {}

  static Reference user(Requester requester, String issuer) {
    if (requester == null) {
      return serverAgent();
    }
    if (requester.kind() == Requester.Kind.RESEARCHER) {
      List<String> studies =
          requester.actorReferences().stream()
              .filter(r -> r.startsWith("ResearchStudy/"))
              .sorted()
              .toList();
      if (studies.size() == 1) {
        return new Reference(studies.get(0)).setDisplay("research study " + studies.get(0));
      }
      if (!studies.isEmpty()) {
        return new Reference().setDisplay("research studies " + String.join(", ", studies));
      }
    }
    Reference who = new Reference();
    if (requester.kind() == Requester.Kind.SYSTEM) {
      String client = clientId(requester);
      return who.setDisplay("system client " + client)
          .setIdentifier(new Identifier().setSystem(issuer).setValue(client));
    }
    if (requester.fhirUser() != null) {
      who.setReference(requester.fhirUser());
    } else if (requester.kind() == Requester.Kind.PATIENT && requester.patientId() != null) {
      who.setReference("Patient/" + requester.patientId());
    }
    return who.setIdentifier(new Identifier().setSystem(issuer).setValue(requester.subject()));
  }

  static Reference client(Requester requester) {
    if (requester == null) {
      return serverAgent();
    }
    return new Reference().setIdentifier(new Identifier().setValue(clientId(requester)));
  }

  /** The user agent's purpose of use, and type PAT besides when the user is the patient. */
  static void describeUser(AuditEventAgentComponent agent, Requester requester) {
    if (requester == null) {
      return;
    }
    if (!hasCoding(agent.getPurposeOfUse(), Balp.ACT_REASON, requester.purposeOfUse())) {
      agent.addPurposeOfUse().addCoding(Balp.purpose(requester.purposeOfUse()));
    }
    if (requester.kind() == Requester.Kind.PATIENT
        && !hasCoding(List.of(agent.getType()), Balp.ROLE_CLASS, "PAT")) {
      agent.getType().addCoding(Balp.coding(Balp.ROLE_CLASS, "PAT", "patient"));
    }
  }

  /**
   * The requester's organization as its own agent (BALP's {@code userorg}: type v3-RoleClass PROV,
   * not the requestor), unless the event already has it.
   */
  static void addOrganization(AuditEvent event, Requester requester) {
    if (requester == null || requester.organization() == null) {
      return;
    }
    for (AuditEventAgentComponent agent : event.getAgent()) {
      if (hasCoding(List.of(agent.getType()), Balp.ROLE_CLASS, "PROV")) {
        return;
      }
    }
    AuditEventAgentComponent org = event.addAgent().setRequestor(false);
    org.getType().addCoding(Balp.coding(Balp.ROLE_CLASS, "PROV", "healthcare provider"));
    org.setWho(new Reference(requester.organization()));
  }

  static String purposeDisplay(String code) {
    return PURPOSES.get(code);
  }

  static boolean hasCoding(List<CodeableConcept> concepts, String system, String code) {
    for (CodeableConcept concept : concepts) {
      if (concept.getCoding().stream()
          .anyMatch(c -> system.equals(c.getSystem()) && code.equals(c.getCode()))) {
        return true;
      }
    }
    return false;
  }

  private static String clientId(Requester requester) {
    return requester.clientId() != null ? requester.clientId() : requester.subject();
  }

  private static Reference serverAgent() {
    return new Reference()
        .setDisplay(Balp.SERVER)
        .setIdentifier(new Identifier().setValue(SERVER_ID));
  }

  /** The recipient agent (Destination Role ID, the requestor) at the client's network address. */
  static AuditEventAgentComponent recipient(AuditEvent event, AuditRequest request) {
    AuditEventAgentComponent recipient = event.addAgent().setRequestor(true);
    recipient.getType().addCoding(Balp.destinationRole());
    Balp.network(recipient, request);
    return recipient;
  }

  /** The server as the authorization server; its who is the observer (BALP's val-audit-source). */
  static void authorizer(AuditEvent event, String base) {
    AuditEventAgentComponent authorizer = event.addAgent().setRequestor(false);
    authorizer
        .getType()
        .addCoding(Balp.coding(Balp.SECURITY_ROLE, "authserver", "authorization server"));
    authorizer.setWho(Balp.server(base));
  }

  /**
   * The agents of a RESTful event (and its purpose of event): the client and the server typed as
   * the profile wants, the user (the requester, requestor) typed {@code userType}, and the
   * requester's organization.
   */
  static void rest(
      AuditEvent event,
      AuditRequest request,
      Coding clientType,
      Coding serverType,
      Coding userType,
      String base,
      String issuer) {
    purposeOfEvent(event, request.requester());
    Balp.addClient(event, clientType, request);
    Balp.addServer(event, serverType, base);
    Balp.addUser(event, userType, request, issuer);
    addOrganization(event, request.requester());
  }

  /** The requester's purpose of use as the event's purpose (none for the server's own events). */
  static void purposeOfEvent(AuditEvent event, Requester requester) {
    if (requester != null) {
      event.addPurposeOfEvent().addCoding(Balp.purpose(requester.purposeOfUse()));
    }
  }
}
