package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Coding;

/**
 * Structural checks of an AuditEvent against the BALP profile in its {@code meta.profile}, as the
 * profiles' FSH sources define them (IHE/ITI.BasicAudit, input/fsh: PatientRead, PatientQuery,
 * PatientCreate/Update/Delete, AuthZ, Disclose; IG 1.1.x). HAPI's validator cannot run them here:
 * the BALP package ({@code ihe.iti.balp}) is not in the local Maven or npm caches and the machine
 * reaches no FHIR package registry.
 *
 * <p>Checked: type, subtype (the slice the profile requires), action, outcome, recorded, source
 * observer; each agent slice (matched by type code, as the profiles slice) with its cardinality,
 * {@code who}, {@code network} and {@code requestor} constraints; the entity slices with type,
 * role, {@code what} and {@code query}; the patient entity where the Patient variant requires it.
 * Beyond the profiles, one semantic check that slicing by type cannot make: the server slice's
 * {@code who} is the observer and the client slice's is not (so swapped client and server codes are
 * caught).
 */
final class BalpConformance {

  static final String P = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String REST = "http://hl7.org/fhir/restful-interaction";
  static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";

  private static final Coding SOURCE = new Coding(DCM, "110153", null);
  private static final Coding DESTINATION = new Coding(DCM, "110152", null);
  private static final Coding APPLICATION = new Coding(DCM, "110150", null);
  private static final Coding CUSTODIAN =
      new Coding(
          "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "custodian", null);
  private static final List<Coding> IRCP = List.of(new Coding(PARTICIPATION, "IRCP", null));
  private static final List<Coding> DATA_SOURCES =
      List.of(
          new Coding(PARTICIPATION, "AUT", null),
          new Coding(PARTICIPATION, "INF", null),
          new Coding(PARTICIPATION, "CST", null));

  /** One RESTful profile: its subtype codes, action, and agent types. */
  private record Rest(
      Set<String> subtypes,
      String action,
      Coding client,
      Coding server,
      List<Coding> user,
      boolean query,
      boolean patient) {}

  private static final Map<String, Rest> REST_PROFILES =
      Map.ofEntries(
          rest("Read", Set.of("read", "vread"), "R", DESTINATION, SOURCE, IRCP, false),
          rest(
              "Query",
              Set.of("search", "search-type", "search-system"),
              "E",
              SOURCE,
              DESTINATION,
              IRCP,
              true),
          rest("Create", Set.of("create"), "C", SOURCE, DESTINATION, DATA_SOURCES, false),
          rest("Update", Set.of("update", "patch"), "U", SOURCE, DESTINATION, DATA_SOURCES, false),
          rest("Delete", Set.of("delete"), "D", APPLICATION, CUSTODIAN, DATA_SOURCES, false));

  private static Map.Entry<String, Rest> rest(
      String name, Set<String> sub, String action, Coding c, Coding s, List<Coding> u, boolean q) {
    return Map.entry(name, new Rest(sub, action, c, s, u, q, false));
  }

  private BalpConformance() {}

  static void assertConforms(AuditEvent event) {
    assertThat(violations(event)).as("BALP violations of %s", profile(event)).isEmpty();
  }

  /**
   * The BALP style of a kind BALP has no profile for: no profile claimed, the given type, action,
   * outcome, recorded and observer, one requestor agent with {@code who}, a client application with
   * its network, the request id entity at most once, and the patient entity when {@code patient}.
   */
  static void assertStyled(AuditEvent e, String typeSystem, String typeCode, boolean patient) {
    List<String> v = new ArrayList<>();
    check(profile(e) == null, "claims no profile", v);
    core(e, v);
    check(is(e.getType(), typeSystem, typeCode), "type = " + typeCode, v);
    check(e.hasAction() && e.hasOutcome(), "action, outcome", v);
    List<AuditEventAgentComponent> requestors =
        e.getAgent().stream().filter(AuditEventAgentComponent::getRequestor).toList();
    check(requestors.size() == 1 && requestors.get(0).hasWho(), "one requestor with who", v);
    AuditEventAgentComponent client = one(e, a -> has(a, APPLICATION), "client", v);
    check(client == null || client.hasNetwork(), "client network", v);
    long tx =
        e.getEntity().stream()
            .filter(en -> is(en.getType(), Systems.BALP_ENTITY, "XrequestId"))
            .count();
    check(tx <= 1, "transaction entity 0..1", v);
    if (patient) {
      patientEntity(e, v);
    }
    assertThat(v).as("BALP style of %s", e.getType().getCode()).isEmpty();
  }

  static String profile(AuditEvent event) {
    return event.getMeta().getProfile().isEmpty()
        ? null
        : event.getMeta().getProfile().get(0).getValue();
  }

  /** Every departure from the event's profile; empty when it conforms. */
  static List<String> violations(AuditEvent event) {
    List<String> v = new ArrayList<>();
    String profile = profile(event);
    if (profile == null || !profile.startsWith(P)) {
      v.add("no BALP profile in meta.profile");
      return v;
    }
    core(event, v);
    String name = profile.substring(P.length());
    boolean patient = name.startsWith("Patient");
    Rest rest = REST_PROFILES.get(patient ? name.substring("Patient".length()) : name);
    if (rest != null) {
      rest(event, rest, patient, v);
    } else if (name.equals("AuthZconsent")) {
      authZconsent(event, v);
    } else if (name.equals("PrivacyDisclosure.Source")) {
      disclosureSource(event, v);
    } else {
      v.add("profile not covered by this check: " + name);
    }
    return v;
  }

  /** FHIR core: source.observer 1..1, agent.requestor 1..1, sev-1 (name or query, not both). */
  private static void core(AuditEvent e, List<String> v) {
    check(e.hasRecorded(), "recorded 1..1", v);
    check(e.getSource().hasObserver(), "source.observer 1..1", v);
    for (AuditEventAgentComponent a : e.getAgent()) {
      check(a.hasRequestorElement(), "agent.requestor 1..1", v);
    }
    for (AuditEventEntityComponent en : e.getEntity()) {
      check(!(en.hasName() && en.hasQuery()), "sev-1: entity has name and query", v);
    }
  }

  private static void rest(AuditEvent e, Rest r, boolean patient, List<String> v) {
    check(is(e.getType(), Systems.AUDIT_EVENT_TYPE, "rest"), "type = rest", v);
    long sub =
        e.getSubtype().stream()
            .filter(c -> REST.equals(c.getSystem()) && r.subtypes.contains(c.getCode()))
            .count();
    check(sub == 1, "subtype slice 1..1 of " + r.subtypes + ", got " + sub, v);
    check(e.hasAction() && e.getAction().toCode().equals(r.action), "action = " + r.action, v);
    check(e.hasOutcome() && e.getOutcome().toCode().equals("0"), "outcome = 0", v);
    check(e.getAgent().size() >= 2, "agent 2..*", v);
    AuditEventAgentComponent client = one(e, a -> has(a, r.client), "client", v);
    AuditEventAgentComponent server = one(e, a -> has(a, r.server), "server", v);
    for (AuditEventAgentComponent a : List.of(client, server)) {
      if (a != null) {
        check(a.hasWho(), "agent who 1..1", v);
        check(a.hasNetwork(), "agent network 1..1", v);
      }
    }
    sameAsObserver(e, server, true, "server", v);
    sameAsObserver(e, client, false, "client", v);
    List<AuditEventAgentComponent> users =
        e.getAgent().stream().filter(a -> r.user.stream().anyMatch(c -> has(a, c))).toList();
    check(users.size() <= 1, "user slice 0..1", v);
    for (AuditEventAgentComponent u : users) {
      check(u.hasWho(), "user who 1..1", v);
      check(u.getRequestor(), "user requestor = true", v);
      check(!u.hasNetwork(), "user network 0..0", v);
    }
    check(!e.getEntity().isEmpty(), "entity 1..*", v);
    long tx =
        e.getEntity().stream()
            .filter(en -> is(en.getType(), Systems.BALP_ENTITY, "XrequestId"))
            .count();
    check(tx <= 1, "transaction entity 0..1", v);
    e.getEntity().stream()
        .filter(en -> is(en.getType(), Systems.BALP_ENTITY, "XrequestId"))
        .forEach(en -> check(en.getWhat().getIdentifier().hasValue(), "XrequestId value 1..1", v));
    if (r.query) {
      List<AuditEventEntityComponent> q =
          e.getEntity().stream().filter(en -> is(en.getType(), ENTITY_TYPE, "2")).toList();
      check(q.size() == 1, "query entity 1..1", v);
      for (AuditEventEntityComponent en : q) {
        check(is(en.getRole(), OBJECT_ROLE, "24"), "query role = 24", v);
        check(!en.hasWhat(), "query what 0..0", v);
        check(en.hasQuery(), "query query 1..1", v);
      }
    } else {
      List<AuditEventEntityComponent> data =
          e.getEntity().stream().filter(en -> is(en.getType(), ENTITY_TYPE, "2")).toList();
      check(data.size() == 1, "data entity 1..1, got " + data.size(), v);
      for (AuditEventEntityComponent en : data) {
        check(
            Set.of("4", "3", "20").contains(en.getRole().getCode()),
            "data role in RestObjectRoles",
            v);
        check(en.getWhat().hasReference(), "data what 1..1", v);
      }
    }
    if (patient) {
      patientEntity(e, v);
    }
  }

  private static void authZconsent(AuditEvent e, List<String> v) {
    check(is(e.getType(), DCM, "110113"), "type = DCM#110113", v);
    check(
        e.getSubtype().stream().anyMatch(c -> Systems.AUTHZ.equals(c.getSystem())),
        "subtype from AuthZsubTypeVS 1..*",
        v);
    check(e.hasAction() && e.getAction().toCode().equals("E"), "action = E", v);
    check(e.hasOutcome(), "outcome 1..1", v);
    AuditEventAgentComponent client = one(e, a -> has(a, APPLICATION), "client", v);
    if (client != null) {
      check(client.hasWho() && client.hasNetwork(), "client who, network 1..1", v);
      check(client.getPurposeOfUse().isEmpty(), "client purposeOfUse 0..0", v);
    }
    AuditEventAgentComponent user = one(e, a -> has(a, IRCP.get(0)), "user", v);
    if (user != null) {
      check(user.hasWho() && user.getRequestor(), "user who 1..1, requestor = true", v);
      check(!user.hasNetwork() && !user.hasAltId(), "user network, altId 0..0", v);
    }
    AuditEventAgentComponent org =
        one(
            e,
            a ->
                has(
                    a,
                    new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", null)),
            "userorg",
            v);
    if (org != null) {
      check(
          org.hasWho() && !org.getRequestor() && !org.hasNetwork(),
          "userorg who, requestor false, no network",
          v);
    }
    AuditEventAgentComponent authorizer =
        one(
            e,
            a ->
                has(
                    a,
                    new Coding(
                        "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                        "authserver",
                        null)),
            "authorizer",
            v);
    if (authorizer != null) {
      check(
          !authorizer.getRequestor() && !authorizer.hasNetwork(),
          "authorizer requestor false, no network",
          v);
      sameAsObserver(e, authorizer, true, "authorizer (val-audit-source)", v);
    }
    check(e.getEntity().size() >= 2, "entity 2..*", v);
    for (AuditEventEntityComponent en : e.getEntity()) {
      boolean known =
          is(en.getType(), ENTITY_TYPE, "1")
              || is(en.getType(), "http://hl7.org/fhir/resource-types", "Consent");
      check(known, "entity slicing closed: unexpected entity type " + en.getType().getCode(), v);
    }
    long consents =
        e.getEntity().stream()
            .filter(
                en ->
                    is(en.getType(), "http://hl7.org/fhir/resource-types", "Consent")
                        && en.getWhat().hasReference())
            .count();
    check(consents >= 1, "consent entity 1..* with what", v);
    patientEntity(e, v);
  }

  private static void disclosureSource(AuditEvent e, List<String> v) {
    check(is(e.getType(), DCM, "110106"), "type = DCM#110106 Export", v);
    check(e.hasAction() && e.getAction().toCode().equals("R"), "action = R", v);
    check(
        e.getSubtype().stream()
            .anyMatch(
                c ->
                    is(c, "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose")),
        "subtype disclose 1..1",
        v);
    check(e.hasOutcome(), "outcome 1..1", v);
    check(e.getAgent().size() >= 2, "agent 2..*", v);
    AuditEventAgentComponent source = one(e, a -> has(a, SOURCE), "source", v);
    AuditEventAgentComponent recipient = one(e, a -> has(a, DESTINATION), "recipient", v);
    for (AuditEventAgentComponent a : List.of(source, recipient)) {
      if (a != null) {
        check(a.hasWho() && a.hasNetwork(), "source/recipient who, network 1..1", v);
      }
    }
    sameAsObserver(e, source, true, "source (val-audit-source)", v);
    check(e.getEntity().size() >= 2, "entity 2..*", v);
    patientEntity(e, v);
  }

  private static void patientEntity(AuditEvent e, List<String> v) {
    List<AuditEventEntityComponent> patients =
        e.getEntity().stream().filter(en -> is(en.getType(), ENTITY_TYPE, "1")).toList();
    check(patients.size() == 1, "patient entity 1..1, got " + patients.size(), v);
    for (AuditEventEntityComponent p : patients) {
      check(is(p.getRole(), OBJECT_ROLE, "1"), "patient role = 1", v);
      String ref = p.getWhat().getReference();
      check(
          ref != null && ref.matches("Patient/[^/]+"),
          "patient what Reference(Patient), relative: " + ref,
          v);
    }
  }

  private static void sameAsObserver(
      AuditEvent e, AuditEventAgentComponent a, boolean same, String slice, List<String> v) {
    if (a != null) {
      boolean equal = a.getWho().equalsDeep(e.getSource().getObserver());
      check(
          equal == same, slice + (same ? " who must be" : " who must not be") + " the observer", v);
    }
  }

  private static AuditEventAgentComponent one(
      AuditEvent e, Predicate<AuditEventAgentComponent> slice, String name, List<String> v) {
    List<AuditEventAgentComponent> matches = e.getAgent().stream().filter(slice).toList();
    check(matches.size() == 1, name + " agent 1..1, got " + matches.size(), v);
    return matches.isEmpty() ? null : matches.get(0);
  }

  static boolean has(AuditEventAgentComponent agent, Coding coding) {
    return agent.getType().getCoding().stream()
        .anyMatch(c -> is(c, coding.getSystem(), coding.getCode()));
  }

  static boolean is(Coding c, String system, String code) {
    return system.equals(c.getSystem()) && code.equals(c.getCode());
  }

  private static void check(boolean ok, String rule, List<String> v) {
    if (!ok) {
      v.add(rule);
    }
  }

  /** Code systems used above. */
  private static final class Systems {
    static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String BALP_ENTITY =
        "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
    static final String AUTHZ = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
  }
}
