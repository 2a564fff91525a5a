package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.consentry.consent.Requester.Kind;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.door.ApiSurface.InteractionRule;
import org.consentry.server.door.ApiSurface.Level;
import org.consentry.server.door.ApiSurface.OperationRule;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The leak suite, driven by the allow-list: for every interaction and operation that {@link
 * ApiSurface} admits at instance level, and for each requester kind that may use it, the answer for
 * a hidden id, for a deleted-and-hidden id and for a missing id are the same, status and body, once
 * ids and timestamps are normalized. Hidden means: another patient's record for a patient token; a
 * record whose patient denied the practitioner's organization for a practitioner; research data
 * that nobody opted into for a researcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeakIT extends ServerIT {

  /** A request for one instance: method, path and body, given the type-qualified id's parts. */
  record Probe(
      String method,
      Function<Target, String> path,
      Function<Target, String> body,
      Map<String, String> headers) {}

  /** What a probe aims at: a resource type and an id, and the requester's own patient if any. */
  record Target(String type, String id, String ownPatient) {}

  private String hiddenPatient;
  private String hiddenObservation;
  private String deletedObservation;
  private String ownPatient;
  private final Map<Kind, String> tokens = new LinkedHashMap<>();

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    String denied = "Organization/leak-org-" + s;
    String doctor = "Practitioner/leak-dr-" + s;
    client().update().resource(new Organization().setName("Denied " + s).setId(denied)).execute();
    client().update().resource(new Practitioner().setActive(true).setId(doctor)).execute();
    hiddenPatient = create(new Patient().setActive(true));
    ownPatient = create(new Patient().setActive(true));
    Encounter encounter = new Encounter();
    encounter
        .setStatus(Encounter.EncounterStatus.FINISHED)
        .setSubject(new Reference("Patient/" + hiddenPatient));
    String encounterId = create(encounter);
    hiddenObservation = observation(hiddenPatient, encounterId);
    deletedObservation = observation(hiddenPatient, null);
    assertThat(send("DELETE", "/Observation/" + deletedObservation, null, null).statusCode())
        .isIn(200, 204);
    String consent =
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},
				 "provision":{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				  "reference":{"reference":"%s"}}]}}"""
            .formatted(hiddenPatient, denied);
    assertThat(postJson("/Consent", consent).statusCode()).isEqualTo(201);

    String patientUser = "leak-p-" + s;
    tokens.put(
        Kind.PATIENT,
        userToken(
            patientUser,
            TestKeycloak.users().addPatient(patientUser, "Patient/" + ownPatient),
            "patient/*.cruds"));
    String doctorUser = "leak-dr-" + s;
    tokens.put(
        Kind.PRACTITIONER,
        userToken(
            doctorUser,
            TestKeycloak.users().addPractitioner(doctorUser, doctor, denied),
            "user/*.cruds"));
    String researcher = "leak-r-" + s;
    tokens.put(
        Kind.RESEARCHER,
        userToken(researcher, TestKeycloak.users().addResearcher(researcher), null));
  }

  /**
   * Every instance-level rule of the allow-list has a probe here, so a new one cannot go untested.
   */
  static Map<String, Probe> probes() {
    Map<String, String> none = Map.of();
    Function<Target, String> noBody = t -> null;
    Function<Target, String> instance = t -> "/" + t.type() + "/" + t.id();
    Map<String, Probe> probes = new LinkedHashMap<>();
    probes.put("READ", new Probe("GET", instance, noBody, none));
    probes.put(
        "READ If-None-Match",
        new Probe("GET", instance, noBody, Map.of("If-None-Match", "W/\"1\"")));
    probes.put("VREAD", new Probe("GET", t -> instance.apply(t) + "/_history/1", noBody, none));
    probes.put(
        "HISTORY_INSTANCE", new Probe("GET", t -> instance.apply(t) + "/_history", noBody, none));
    probes.put(
        "UPDATE",
        new Probe(
            "PUT",
            instance,
            t ->
                """
				{"resourceType":"%s","id":"%s","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/%s"}}"""
                    .formatted(t.type(), t.id(), t.ownPatient()),
            none));
    probes.put(
        "PATCH",
        new Probe(
            "PATCH",
            instance,
            t ->
                """
				[{"op":"replace","path":"/status","value":"amended"}]""",
            Map.of("Content-Type", "application/json-patch+json")));
    probes.put("DELETE", new Probe("DELETE", instance, noBody, none));
    probes.put(
        "BATCH read",
        new Probe(
            "POST",
            t -> "",
            t ->
                """
				{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"%s/%s"}}]}"""
                    .formatted(t.type(), t.id()),
            none));
    probes.put(
        "TRANSACTION delete",
        new Probe(
            "POST",
            t -> "",
            t ->
                """
				{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"%s/%s"}}]}"""
                    .formatted(t.type(), t.id()),
            none));
    for (OperationRule rule : ApiSurface.OPERATIONS) {
      if (rule.level() != Level.INSTANCE) {
        continue;
      }
      String method =
          rule.name().equals("$erase") || rule.name().startsWith("$meta-") ? "POST" : "GET";
      Map<String, String> headers =
          rule.name().equals("$export") ? Map.of("Prefer", "respond-async") : none;
      probes.put(
          rule.name() + " on " + rule.resourceTypes(),
          new Probe(method, t -> instance.apply(t) + "/" + rule.name(), noBody, headers));
    }
    return probes;
  }

  @Test
  void everyInstanceLevelRule_hasAProbe() {
    Map<String, Probe> probes = probes();
    for (InteractionRule rule : ApiSurface.INTERACTIONS) {
      if (Set.of(
              RestOperationTypeEnum.READ,
              RestOperationTypeEnum.VREAD,
              RestOperationTypeEnum.HISTORY_INSTANCE,
              RestOperationTypeEnum.UPDATE,
              RestOperationTypeEnum.PATCH,
              RestOperationTypeEnum.DELETE)
          .contains(rule.interaction())) {
        assertThat(probes).containsKey(rule.interaction().name());
      }
    }
    for (OperationRule rule : ApiSurface.OPERATIONS) {
      if (rule.level() == Level.INSTANCE) {
        assertThat(probes).containsKey(rule.name() + " on " + rule.resourceTypes());
      }
    }
  }

  @Test
  void hiddenDeletedAndMissing_answerAlike_onEveryInstanceLevelPath_forEveryKind() {
    List<String> differences = new ArrayList<>();
    for (Map.Entry<Kind, String> requester : tokens.entrySet()) {
      for (Map.Entry<String, Probe> probe : probes().entrySet()) {
        for (String type : typesFor(probe.getKey())) {
          String hidden = type.equals("Patient") ? hiddenPatient : hiddenObservation;
          // the deleted Observation is the hidden patient's: deleted and hidden for every kind
          String deleted = type.equals("Patient") ? null : deletedObservation;
          String missing = UUID.randomUUID().toString();
          Answer forMissing =
              answer(
                  requester.getValue(),
                  probe.getValue(),
                  new Target(type, missing, ownPatient),
                  missing);
          List<String[]> ids =
              deleted == null
                  ? List.<String[]>of(new String[] {"hidden", hidden})
                  : List.of(new String[] {"hidden", hidden}, new String[] {"deleted", deleted});
          for (String[] id : ids) {
            Answer other =
                answer(
                    requester.getValue(),
                    probe.getValue(),
                    new Target(type, id[1], ownPatient),
                    id[1]);
            if (!other.equals(forMissing)) {
              differences.add(
                  requester.getKey()
                      + " "
                      + probe.getKey()
                      + " "
                      + type
                      + " "
                      + id[0]
                      + ": "
                      + other
                      + "\n   missing: "
                      + forMissing);
            }
          }
        }
      }
    }
    assertThat(differences).isEmpty();
  }

  private static List<String> typesFor(String probe) {
    if (probe.startsWith("$everything")
        || probe.startsWith("$erase")
        || probe.startsWith("$export")) {
      return List.of("Patient");
    }
    if (probe.startsWith("$expand") || probe.startsWith("$validate-code")) {
      return List.of(); // terminology: no patient data
    }
    return List.of("Observation", "Patient");
  }

  record Answer(int status, String body) {}

  private Answer answer(String token, Probe probe, Target target, String id) {
    String body = probe.body().apply(target);
    String contentType =
        probe.headers().getOrDefault("Content-Type", body == null ? null : "application/fhir+json");
    HttpResponse<String> response =
        sendWith(
            token, probe.method(), probe.path().apply(target), contentType, body, probe.headers());
    return new Answer(response.statusCode(), normalize(response.body(), id));
  }

  /** Ids, timestamps and generated references out of the way: what is left must be equal. */
  static String normalize(String body, String id) {
    return body.replace(id, "ID")
        .replaceAll("\"(lastUpdated|recorded|timestamp|date)\"\\s*:\\s*\"[^\"]*\"", "\"$1\":\"T\"")
        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
        .replaceAll("reference [0-9a-f]{8}", "reference R");
  }

  private String create(org.hl7.fhir.r4.model.Resource resource) {
    return client().create().resource(resource).execute().getId().getIdPart();
  }

  private String observation(String patient, String encounter) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.setSubject(new Reference("Patient/" + patient));
    if (encounter != null) {
      obs.setEncounter(new Reference("Encounter/" + encounter));
    }
    return create(obs);
  }
}
