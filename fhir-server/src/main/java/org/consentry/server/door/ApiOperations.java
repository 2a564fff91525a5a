package org.consentry.server.door;

import static org.consentry.consent.Requester.Kind.AUDITOR;
import static org.consentry.consent.Requester.Kind.PATIENT;
import static org.consentry.consent.Requester.Kind.PRACTITIONER;
import static org.consentry.consent.Requester.Kind.RESEARCHER;
import static org.consentry.consent.Requester.Kind.SYSTEM;
import static org.consentry.server.door.KindSets.CARE;
import static org.consentry.server.door.KindSets.EVERYONE;
import static org.consentry.server.door.KindSets.STAFF;
import static org.consentry.server.door.KindSets.SYSTEMS;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Requester.Kind;
import org.consentry.server.door.ApiSurface.Level;
import org.consentry.server.door.ApiSurface.OperationRule;

/**
 * The operations of the API surface ({@link ApiSurface#OPERATIONS}), each with its level, types,
 * the requester kinds that may call it, its URL parameters and who needs it. An operation not
 * listed here is refused at the door; a parameter not listed for it is refused too (the format
 * parameters {@code _format}, {@code _pretty}, {@code _summary} and {@code _elements} go with every
 * one).
 */
final class ApiOperations {

  static final Set<String> FORMAT = Set.of("_format", "_pretty", "_summary", "_elements");
  static final Set<String> TERMINOLOGY = Set.of("CodeSystem", "ValueSet", "ConceptMap");

  static final List<OperationRule> ALL =
      List.of(
          op(
              "$everything",
              Level.INSTANCE,
              Set.of("Patient"),
              CARE,
              Set.of("_count", "_since", "_type", "start", "end"),
              "a patient's whole record, as consent shows it"),
          op(
              "$everything",
              Level.TYPE,
              Set.of("Patient"),
              SYSTEMS,
              Set.of("_count", "_since", "_type", "start", "end"),
              "EHR systems: every patient's record"),
          op(
              "$meta",
              Level.INSTANCE,
              Set.of(),
              CARE,
              Set.of(),
              "the tags and labels of a resource that may be read"),
          op(
              "$meta-add",
              Level.INSTANCE,
              Set.of(),
              SYSTEMS,
              Set.of(),
              "EHR systems: add tags or labels"),
          op(
              "$meta-delete",
              Level.INSTANCE,
              Set.of(),
              SYSTEMS,
              Set.of(),
              "EHR systems: remove tags or labels"),
          op(
              "$validate",
              Level.TYPE,
              Set.of(),
              SYSTEMS,
              Set.of("mode", "profile"),
              "EHR systems: validate a resource body"),
          op(
              "$expand",
              Level.TYPE,
              Set.of("ValueSet"),
              EVERYONE,
              Set.of(
                  "url",
                  "valueSetVersion",
                  "filter",
                  "count",
                  "offset",
                  "includeDesignations",
                  "displayLanguage",
                  "activeOnly",
                  "includeHierarchy"),
              "terminology: value set expansion"),
          op(
              "$expand",
              Level.INSTANCE,
              Set.of("ValueSet"),
              EVERYONE,
              Set.of(
                  "filter",
                  "count",
                  "offset",
                  "includeDesignations",
                  "displayLanguage",
                  "activeOnly",
                  "includeHierarchy"),
              "terminology: value set expansion"),
          op(
              "$lookup",
              Level.TYPE,
              Set.of("CodeSystem"),
              EVERYONE,
              Set.of("system", "code", "version", "coding", "property", "displayLanguage"),
              "terminology: concept lookup"),
          op(
              "$validate-code",
              Level.TYPE,
              TERMINOLOGY,
              EVERYONE,
              Set.of(
                  "url",
                  "valueSetVersion",
                  "code",
                  "system",
                  "systemVersion",
                  "version",
                  "display",
                  "coding",
                  "codeableConcept",
                  "displayLanguage",
                  "abstract"),
              "terminology: code validation"),
          op(
              "$validate-code",
              Level.INSTANCE,
              TERMINOLOGY,
              EVERYONE,
              Set.of(
                  "code",
                  "system",
                  "systemVersion",
                  "version",
                  "display",
                  "coding",
                  "codeableConcept",
                  "displayLanguage",
                  "abstract"),
              "terminology: code validation"),
          op(
              "$subsumes",
              Level.TYPE,
              Set.of("CodeSystem"),
              EVERYONE,
              Set.of("system", "codeA", "codeB", "version", "codingA", "codingB"),
              "terminology: subsumption"),
          op(
              "$translate",
              Level.TYPE,
              Set.of("ConceptMap"),
              EVERYONE,
              Set.of(
                  "url",
                  "conceptMapVersion",
                  "code",
                  "system",
                  "version",
                  "source",
                  "coding",
                  "codeableConcept",
                  "target",
                  "targetsystem",
                  "reverse"),
              "terminology: concept translation"),
          op(
              "$consent-decision",
              Level.SERVER,
              Set.of(),
              EnumSet.of(PATIENT, SYSTEM),
              // resource: one resource's decision; patient: the whole record's preview
              Set.of("resource", "patient", "actor", "purpose"),
              "why a resource is shown or hidden, or what of a whole record an actor would see"
                  + " (patients: their own record)"),
          op(
              "$access-report",
              Level.INSTANCE,
              Set.of("Patient"),
              EnumSet.of(PATIENT, AUDITOR),
              Set.of("since"),
              "who saw the patient's record, in plain words (the patient themself, and auditors)"),
          op(
              "$ingest-measurements",
              Level.TYPE,
              Set.of("Observation"),
              EnumSet.of(PATIENT, SYSTEM),
              Set.of(),
              "device gateways (system clients) write measurements in bulk as sampledData series;"
                  + " patients their own"),
          op(
              "$series",
              Level.TYPE,
              Set.of("Observation"),
              CARE,
              Set.of("patient", "code", "start", "end", "bucket"),
              "a patient's measurements of one code over a period, downsampled for charts, as"
                  + " consent shows them"),
          op(
              "$audit-verify",
              Level.SERVER,
              Set.of(),
              EnumSet.of(AUDITOR),
              Set.of(),
              "auditors: check the audit trail's hash chain and signed checkpoints"),
          op(
              "$erase",
              Level.INSTANCE,
              Set.of("Patient"),
              EnumSet.of(PATIENT, SYSTEM),
              Set.of(),
              "crypto-shredding by the patient themself or an EHR system"),
          op(
              "$export",
              Level.SERVER,
              Set.of(),
              STAFF,
              ApiSurface.ExportParameters.KICK_OFF,
              "Bulk Data export, consent-filtered"),
          op(
              "$export",
              Level.TYPE,
              Set.of("Patient"),
              STAFF,
              ApiSurface.ExportParameters.KICK_OFF,
              "Bulk Data export of patients"),
          op(
              "$export",
              Level.INSTANCE,
              Set.of("Patient", "Group"),
              STAFF,
              ApiSurface.ExportParameters.KICK_OFF,
              "Bulk Data export of one patient or a group"),
          op(
              "$export",
              Level.INSTANCE,
              Set.of("ResearchStudy"),
              EnumSet.of(RESEARCHER),
              ApiSurface.ExportParameters.RESEARCH,
              "researchers: the de-identified, consent-filtered export of a study they are named on"),
          op(
              "$export",
              Level.INSTANCE,
              Set.of("Group"),
              EnumSet.of(RESEARCHER),
              ApiSurface.ExportParameters.RESEARCH,
              "researchers: the same, named by the study's cohort Group"),
          op(
              "$export-poll-status",
              Level.SERVER,
              Set.of(),
              EnumSet.of(PRACTITIONER, SYSTEM, RESEARCHER),
              Set.of("_jobId"),
              "status, download and cancel of one's own export"),
          op(
              "$relabel",
              Level.SERVER,
              Set.of(),
              SYSTEMS,
              Set.of(),
              "operators: relabel stored data"),
          op(
              "$relabel-status",
              Level.SERVER,
              Set.of(),
              SYSTEMS,
              Set.of("job"),
              "operators: relabel progress"),
          op(
              "$rotate-keys",
              Level.SERVER,
              Set.of(),
              SYSTEMS,
              Set.of(),
              "operators: new master-key version"),
          op(
              "$rotate-data-keys",
              Level.SERVER,
              Set.of(),
              SYSTEMS,
              Set.of("patient"),
              "operators: new data keys"),
          op(
              "$rotate-data-keys-status",
              Level.SERVER,
              Set.of(),
              SYSTEMS,
              Set.of("job"),
              "operators: rotation progress"));

  private ApiOperations() {}

  private static OperationRule op(
      String name,
      Level level,
      Set<String> types,
      Set<Kind> kinds,
      Set<String> parameters,
      String why) {
    Set<String> all = new java.util.HashSet<>(parameters);
    all.addAll(FORMAT);
    return new OperationRule(
        name, level, Set.copyOf(types), Set.copyOf(kinds), Set.copyOf(all), why);
  }
}
