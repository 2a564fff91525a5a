package org.consentry.server.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The codes of the IHE Basic Audit Log Patterns (BALP, IG 1.1.x, {@code
 * https://profiles.ihe.net/ITI/BALP}) and the pieces every event of this package shares: the
 * agents, the source, the patient, data and request-id entities, laid out as HAPI's {@code
 * BalpAuditCaptureInterceptor} lays them out.
 */
final class Balp {

  static final String PROFILES = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
  static final String SECURITY_ROLE =
      "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
  static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
  static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
  static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
  static final String AUTHZ_SUBTYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
  static final String BALP_ENTITY_TYPE =
      "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
  static final String XREQUEST_ID = "XrequestId";
  static final String OBJECT_ROLE_SECURITY_RESOURCE = "13";
  static final String OBJECT_ROLE_JOB = "20";

  /** The display of the server wherever it is an agent or the observer, absent a request. */
  static final String SERVER = "Consentry FHIR server";

  private Balp() {}

  static Coding coding(String system, String code, String display) {
    return new Coding(system, code, display);
  }

  /** An event with profile (or none), type, action, outcome success, recorded now and a source. */
  static AuditEvent event(
      String profile, Coding type, AuditEvent.AuditEventAction action, String serverBase) {
    AuditEvent event = new AuditEvent();
    if (profile != null) {
      event.getMeta().addProfile(profile);
    }
    // no narrative: HAPI's placeholder ("Audit Event") says nothing, and parsing it costs a new
    // XhtmlParser per event
    event.setType(type);
    event.setAction(action);
    event.setOutcome(AuditEvent.AuditEventOutcome._0);
    event.setRecorded(new Date());
    event.getSource().setObserver(server(serverBase)).setSite(SERVER);
    event.getSource().addType(coding(SOURCE_TYPE, "4", "Application Server"));
    return event;
  }

  /** The server, as HAPI names it: its base URL as display (so agent and observer are equal). */
  static Reference server(String serverBase) {
    return new Reference().setDisplay(serverBase == null ? SERVER : serverBase);
  }

  /** The server as an agent of the given type, its base URL as network address (a URI). */
  static AuditEventAgentComponent addServer(AuditEvent event, Coding type, String serverBase) {
    AuditEventAgentComponent agent = event.addAgent().setRequestor(false);
    agent.getType().addCoding(type);
    agent.setWho(server(serverBase));
    agent
        .getNetwork()
        .setAddress(serverBase == null ? "localhost" : serverBase)
        .setType(
            serverBase == null
                ? BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_MACHINE_NAME
                : BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_URI);
    return agent;
  }

  /** The client application of a request, with the network address it came from. */
  static AuditEventAgentComponent addClient(AuditEvent event, Coding type, AuditRequest request) {
    AuditEventAgentComponent agent = event.addAgent().setRequestor(false);
    agent.getType().addCoding(type);
    agent.setWho(Agents.client(request.requester()));
    network(agent, request);
    return agent;
  }

  /** The request's network address on the agent ({@code localhost} when there was no request). */
  static void network(AuditEventAgentComponent agent, AuditRequest request) {
    agent
        .getNetwork()
        .setAddress(request.networkAddress() == null ? "localhost" : request.networkAddress())
        .setType(
            request.networkAddress() == null
                ? BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_MACHINE_NAME
                : BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS);
  }

  /** The user (the requester), type IRCP unless given, requestor, with its purpose of use. */
  static AuditEventAgentComponent addUser(
      AuditEvent event, Coding type, AuditRequest request, String issuer) {
    AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
    agent.getType().addCoding(type);
    agent.setWho(Agents.user(request.requester(), issuer));
    Agents.describeUser(agent, request.requester());
    return agent;
  }

  static Coding informationRecipient() {
    return coding(PARTICIPATION, "IRCP", "information recipient");
  }

  static Coding application() {
    return coding(DCM, "110150", "Application");
  }

  static Coding sourceRole() {
    return coding(DCM, "110153", "Source Role ID");
  }

  static Coding destinationRole() {
    return coding(DCM, "110152", "Destination Role ID");
  }

  static Coding purpose(String code) {
    return coding(ACT_REASON, code, Agents.purposeDisplay(code));
  }

  /** The patient entity: type 1 Person, role 1 Patient, a relative reference. */
  static AuditEventEntityComponent addPatient(AuditEvent event, String patientId) {
    AuditEventEntityComponent entity = event.addEntity();
    entity.setType(
        coding(
            BalpConstants.CS_AUDIT_ENTITY_TYPE,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY));
    entity.setRole(
        coding(
            BalpConstants.CS_OBJECT_ROLE,
            BalpConstants.CS_OBJECT_ROLE_1_PATIENT,
            BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY));
    entity.setWhat(new Reference(patientReference(patientId)));
    return entity;
  }

  /** A data entity: type 2 System Object, with the given object-role code. */
  static AuditEventEntityComponent addData(
      AuditEvent event, String roleCode, String roleDisplay, Reference what) {
    AuditEventEntityComponent entity = event.addEntity();
    entity.setType(
        coding(
            BalpConstants.CS_AUDIT_ENTITY_TYPE,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY));
    entity.setRole(coding(BalpConstants.CS_OBJECT_ROLE, roleCode, roleDisplay));
    entity.setWhat(what);
    return entity;
  }

  /**
   * The entities of a read or a write: the request id, the resource as data (role 4, Domain
   * Resource, relative reference) and its patient when there is one.
   */
  static void addResource(AuditEvent event, String requestId, String resource, String patientId) {
    addRequestId(event, requestId);
    addData(
        event,
        BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE,
        BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY,
        new Reference(resource));
    if (patientId != null) {
      addPatient(event, patientId);
    }
  }

  /** The X-Request-Id entity, when the request has an id. */
  static void addRequestId(AuditEvent event, String requestId) {
    if (requestId != null && !requestId.isBlank()) {
      AuditEventEntityComponent entity = event.addEntity();
      entity.setType(coding(BALP_ENTITY_TYPE, XREQUEST_ID, null));
      entity.getWhat().getIdentifier().setValue(requestId);
    }
  }

  /** {@code "123"} or {@code "Patient/123"} to {@code "Patient/123"}. */
  static String patientReference(String patientId) {
    if (patientId == null || patientId.isBlank()) {
      throw new IllegalArgumentException("a patient id is required");
    }
    return patientId.startsWith("Patient/") ? patientId : "Patient/" + patientId;
  }

  /** The query entity: {@code method url} as description, the URL as query (BALP's Query). */
  static void addQuery(AuditEvent event, String method, String url) {
    AuditEventEntityComponent query = event.addEntity();
    query.setType(
        Balp.coding(
            BalpConstants.CS_AUDIT_ENTITY_TYPE,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT,
            BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY));
    query.setRole(Balp.coding(BalpConstants.CS_OBJECT_ROLE, "24", "Query"));
    query.setDescription((method == null ? "GET" : method) + " " + url);
    query.setQuery(url.getBytes(StandardCharsets.UTF_8));
  }

  /** A key the event is about (BALP's Security Resource entity). */
  static void addKey(AuditEvent event, String keyId, String what, String description) {
    Reference key = new Reference().setDisplay(what);
    if (keyId != null) {
      key.setIdentifier(new Identifier().setValue(keyId));
    }
    Balp.addData(event, Balp.OBJECT_ROLE_SECURITY_RESOURCE, "Security Resource", key)
        .setDescription(description);
  }
}
