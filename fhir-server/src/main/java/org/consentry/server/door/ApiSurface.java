package org.consentry.server.door;

import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.BATCH;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.CREATE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.DELETE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.GET_PAGE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.HISTORY_INSTANCE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.HISTORY_SYSTEM;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.HISTORY_TYPE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.METADATA;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.PATCH;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.READ;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.SEARCH_SYSTEM;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.SEARCH_TYPE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.TRANSACTION;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.UPDATE;
import static ca.uhn.fhir.rest.api.RestOperationTypeEnum.VREAD;
import static org.consentry.consent.Requester.Kind.AUDITOR;
import static org.consentry.consent.Requester.Kind.PATIENT;
import static org.consentry.consent.Requester.Kind.RESEARCHER;
import static org.consentry.server.door.KindSets.CARE;
import static org.consentry.server.door.KindSets.EVERYONE;
import static org.consentry.server.door.KindSets.STAFF;
import static org.consentry.server.door.KindSets.SYSTEMS;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.consentry.consent.Requester.Kind;

/**
 * The whole API surface, per requester kind: every interaction and operation the server serves.
 * Whatever this list does not name is refused at the door ({@link ApiDoor}) before HAPI runs, and
 * the CapabilityStatement shows exactly this list. A rule admits a request; it never shows a
 * resource: what each request returns is decided per resource by the decision step (scopes, then
 * the patients' Consents), and an instance that the requester cannot see answers as if missing.
 *
 * <p>Read top to bottom: interactions first, then operations, each with who needs it.
 */
public final class ApiSurface {

  /** Where an operation is invoked. */
  public enum Level {
    SERVER,
    TYPE,
    INSTANCE
  }

  /** Which resource types an interaction rule covers. */
  public enum Types {
    /** any type; the decision step still hides per resource */
    ANY,
    /** types that never hold patient data (directory, terminology, conformance, ...) */
    NON_PATIENT_DATA,
    /**
     * Binary only: the files of one's own Bulk Data export (the decision step shows a file to the
     * requester who started the export and to no one else)
     */
    EXPORT_FILES
  }

  /** An interaction (read, search, create, ...) that the kinds may use on the types. */
  public record InteractionRule(
      RestOperationTypeEnum interaction, Types types, Set<Kind> kinds, String why) {}

  /**
   * An operation: its name, level, the types it is invoked on (empty: server level), the kinds that
   * may call it and the URL parameters it takes (other parameters are refused).
   */
  public record OperationRule(
      String name,
      Level level,
      Set<String> resourceTypes,
      Set<Kind> kinds,
      Set<String> parameters,
      String why) {

    boolean appliesTo(String operation, Level at, String resourceType) {
      return name.equals(operation)
          && level == at
          && (resourceTypes.isEmpty() || resourceTypes.contains(resourceType));
    }
  }

  /** The audit trail's type: served from the audit store, written by the server only. */
  public static final String AUDIT_TRAIL = "AuditEvent";

  /**
   * The audit trail: read and searched by patients (their own events; the store narrows) and
   * auditors (all); no one writes it through the API.
   */
  public static boolean admitsAuditTrail(Kind kind, RestOperationTypeEnum interaction) {
    return (kind == PATIENT || kind == AUDITOR)
        && (interaction == READ || interaction == SEARCH_TYPE);
  }

  /** Standing queries whose notifications the server delivers, decided by consent at delivery. */
  public static final String SUBSCRIPTIONS = "Subscription";

  private static final Set<RestOperationTypeEnum> SUBSCRIPTION_INTERACTIONS =
      EnumSet.of(READ, VREAD, SEARCH_TYPE, HISTORY_INSTANCE, CREATE, UPDATE, PATCH, DELETE);

  /**
   * Subscriptions: practitioners and EHR systems subscribe, and read, change and delete their own
   * (a Subscription is visible to its subscriber only). Patients, researchers and auditors do not
   * subscribe: a patient's own record is at hand in the portal, research is by export, the audit
   * trail by search.
   */
  public static boolean admitsSubscriptions(Kind kind, RestOperationTypeEnum interaction) {
    return STAFF.contains(kind) && SUBSCRIPTION_INTERACTIONS.contains(interaction);
  }

  /**
   * The one path served outside {@code /fhir} for the API: the websocket of Subscriptions with
   * {@code channel.type = websocket} (R4: {@code bind <id>}, {@code bound <id>}, {@code ping
   * <id>}). Nothing else upgrades to a websocket.
   */
  public static final String SUBSCRIPTION_SOCKET = "/websocket";

  /**
   * Who may open the Subscription websocket: those who may subscribe (each binds only their own
   * Subscriptions, and each notification is decided for them at delivery).
   */
  public static boolean admitsSubscriptionSocket(Kind kind) {
    return STAFF.contains(kind);
  }

  /** Interactions, by who needs them. */
  public static final List<InteractionRule> INTERACTIONS =
      List.of(
          new InteractionRule(
              METADATA, Types.ANY, EVERYONE, "the CapabilityStatement, open to all"),
          new InteractionRule(
              READ,
              Types.ANY,
              CARE,
              "patients read their record, practitioners and EHRs what consent shows"),
          new InteractionRule(VREAD, Types.ANY, CARE, "a version of what may be read"),
          new InteractionRule(
              SEARCH_TYPE,
              Types.ANY,
              CARE,
              "searches, narrowed to the patient's compartment for patient/ scopes"),
          new InteractionRule(
              HISTORY_INSTANCE, Types.ANY, CARE, "the versions of one resource that may be read"),
          new InteractionRule(
              READ,
              Types.NON_PATIENT_DATA,
              EnumSet.of(RESEARCHER),
              "researchers: directory and terminology only"),
          new InteractionRule(
              VREAD,
              Types.NON_PATIENT_DATA,
              EnumSet.of(RESEARCHER),
              "researchers: directory and terminology only"),
          new InteractionRule(
              SEARCH_TYPE,
              Types.NON_PATIENT_DATA,
              EnumSet.of(RESEARCHER),
              "researchers: directory and terminology only"),
          new InteractionRule(
              READ,
              Types.EXPORT_FILES,
              EnumSet.of(RESEARCHER),
              "researchers: the de-identified files of their own research exports"),
          new InteractionRule(
              GET_PAGE,
              Types.ANY,
              EVERYONE,
              "the next page of one's own search (pages are bound to their requester)"),
          new InteractionRule(
              CREATE,
              Types.ANY,
              CARE,
              "writes, as the token's scopes allow (patients: their own record)"),
          new InteractionRule(
              UPDATE, Types.ANY, CARE, "updates of existing resources the requester can see"),
          new InteractionRule(
              PATCH, Types.ANY, CARE, "patches of existing resources the requester can see"),
          new InteractionRule(
              DELETE, Types.ANY, CARE, "deletes of existing resources the requester can see"),
          new InteractionRule(
              TRANSACTION, Types.ANY, CARE, "each entry is admitted as if sent alone"),
          new InteractionRule(BATCH, Types.ANY, CARE, "each entry is admitted as if sent alone"),
          new InteractionRule(
              SEARCH_SYSTEM, Types.ANY, SYSTEMS, "EHR systems: searches across types"),
          new InteractionRule(
              HISTORY_TYPE, Types.ANY, SYSTEMS, "EHR systems: synchronisation by type history"),
          new InteractionRule(
              HISTORY_SYSTEM,
              Types.ANY,
              SYSTEMS,
              "EHR systems: synchronisation by server history"));

  /** Operations, by who needs them: the list is {@link ApiOperations}. */
  public static final List<OperationRule> OPERATIONS = ApiOperations.ALL;

  private ApiSurface() {}

  /** Whether the interaction is on the list for the kind and type. */
  public static boolean admits(
      Kind kind, RestOperationTypeEnum interaction, boolean patientDataType) {
    return INTERACTIONS.stream()
        .anyMatch(
            rule ->
                rule.interaction() == interaction
                    && rule.kinds().contains(kind)
                    && (rule.types() == Types.ANY
                        || rule.types() == Types.NON_PATIENT_DATA && !patientDataType));
  }

  /** Whether the interaction on export files (Binary) is on the list for the kind. */
  public static boolean admitsExportFiles(Kind kind, RestOperationTypeEnum interaction) {
    return INTERACTIONS.stream()
        .anyMatch(
            rule ->
                rule.interaction() == interaction
                    && rule.kinds().contains(kind)
                    && rule.types() == Types.EXPORT_FILES);
  }

  /** The operation rule that admits the call, if any. */
  public static Optional<OperationRule> operation(
      Kind kind, String name, Level level, String resourceType) {
    return OPERATIONS.stream()
        .filter(rule -> rule.appliesTo(name, level, resourceType) && rule.kinds().contains(kind))
        .findFirst();
  }

  /**
   * Whether any kind may call the operation at that level on that type (for the
   * CapabilityStatement).
   */
  public static boolean servesOperation(String name, Level level, String resourceType) {
    return OPERATIONS.stream().anyMatch(rule -> rule.appliesTo(name, level, resourceType));
  }

  /**
   * Whether any kind may use the interaction on a type of that class (for the CapabilityStatement).
   */
  public static boolean servesInteraction(
      RestOperationTypeEnum interaction, boolean patientDataType) {
    return EnumSet.allOf(Kind.class).stream()
        .anyMatch(kind -> admits(kind, interaction, patientDataType));
  }

  /** Kick-off parameters of Bulk Data export. */
  static final class ExportParameters {
    static final Set<String> KICK_OFF =
        Set.of(
            "_outputFormat",
            "_type",
            "_since",
            "_typeFilter",
            "_typePostFetchFilterUrl",
            "patient");

    /** A research export takes the types to export and the format, nothing that selects data. */
    static final Set<String> RESEARCH = Set.of("_outputFormat", "_type");

    private ExportParameters() {}
  }
}
