package org.consentry.audit;

import java.time.Instant;
import java.util.List;

/** Test records: BALP-like AuditEvent JSON of about 1.5 KB. */
final class Events {

  static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");

  private Events() {}

  static AuditRecord read(int i, String patient, String agent) {
    return AuditRecord.of(
        T0.plusSeconds(60L * i), List.of(patient), "read", agent, json(i, patient, agent));
  }

  static AuditRecord at(Instant recorded, List<String> patients, String kind, String agent) {
    return AuditRecord.of(
        recorded,
        patients,
        kind,
        agent,
        json(recorded.hashCode(), String.join(",", patients), agent));
  }

  /** A BALP "PatientRead" AuditEvent, as the server will write it (about 1.5 KB). */
  static String json(int i, String patient, String agent) {
    return """
        {"resourceType":"AuditEvent",\
        "meta":{"profile":["https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead"]},\
        "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type",\
        "code":"rest"},"subtype":[{"system":"http://hl7.org/fhir/restful-interaction",\
        "code":"read","display":"read"}],"action":"R","recorded":"2025-03-01T08:%02d:00.123Z",\
        "outcome":"0",\
        "purposeOfEvent":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason",\
        "code":"TREAT"}]}],\
        "agent":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/provenance-participant-type",\
        "code":"custodian"}]},"who":{"display":"Consentry"},"requestor":false},\
        {"type":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM",\
        "code":"110153"}]},"who":{"identifier":{"value":"portal"}},"requestor":false},\
        {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType",\
        "code":"IRCP"}]},"who":{"reference":"%s","display":"Dr. Anna Smith"},"requestor":true,\
        "policy":["urn:uuid:6a1f0c2e-%04d"]}],\
        "source":{"observer":{"display":"consentry-node-1"}},\
        "entity":[{"what":{"reference":"Patient/%s"},\
        "role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1",\
        "display":"Patient"}},{"what":{"reference":"Observation/obs-%d/_history/1"},\
        "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"2",\
        "display":"System Object"},\
        "role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"4",\
        "display":"Domain Resource"}}]}"""
        .formatted(Math.floorMod(i, 60), agent, Math.floorMod(i, 10000), patient, i);
  }
}
