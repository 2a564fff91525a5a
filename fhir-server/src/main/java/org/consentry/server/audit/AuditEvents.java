package org.consentry.server.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builders of the server's AuditEvents, in the style of HAPI's BALP interceptor: profile in {@code
 * meta.profile} where BALP has one, type and subtype codes, action, outcome, recorded now, the
 * server as {@code source.observer} (its base URL as display, as HAPI), agents client, server and
 * user (the requester, as {@link Agents} names it, with its purpose of use) and the requester's
 * organization, and the entities: X-Request-Id, the patient (type 1, role 1, {@code Patient/ID})
 * and data (type 2).
 *
 * <table>
 * <caption>Kinds</caption>
 * <tr><th>builder</th><th>profile</th><th>type / subtype</th></tr>
 * <tr><td>{@link #read}, {@link #query}, {@link #write}</td><td>BALP's RESTful profiles (Read,
 *     Query, Create, Update, Delete), each with its Patient variant</td>
 *     <td>rest / the restful interaction</td></tr>
 * <tr><td>{@link #patientOperation} ({@code $everything})</td><td>{@value #PATIENT_QUERY}</td>
 *     <td>rest / search, operation, the operation's name</td></tr>
 * <tr><td>{@link #exportDisclosure}, {@link #researchDisclosure}</td>
 *     <td>{@value #PRIVACY_DISCLOSURE_SOURCE}</td><td>DICOM 110106 Export / disclose</td></tr>
 * <tr><td>{@link #authorization}</td><td>{@value #AUTHZ_CONSENT} when a Consent decided; none
 *     (subtype AuthZ-Role) otherwise</td><td>DICOM 110113 Security Alert / AuthZ-Consent</td></tr>
 * <tr><td>{@link #emergencyAccess}</td><td>none: modelled on FHIR's break-glass example
 *     (AuditEvent/example-breakglass-start) with AuthZconsent's agents</td>
 *     <td>DICOM 110113 / 110127 Emergency Override Started</td></tr>
 * <tr><td>{@link #erasure}</td><td>none: modelled on PatientDelete's agents</td>
 *     <td>DICOM 110110 Patient Record / ISO 21089 destroy</td></tr>
 * <tr><td>{@link #keyOperation}</td><td>none: modelled on PatientDelete's agents</td>
 *     <td>DICOM 110113 / 110129 Security Configuration, the operation</td></tr>
 * </table>
 *
 * Query values are stored as given: run {@link QueryProtection#protect(AuditEvent)} on the event
 * before storing it. Thread-safe; every call returns a new event.
 */
public final class AuditEvents {

  public static final String PATIENT_QUERY = Balp.PROFILES + "IHE.BasicAudit.PatientQuery";
  public static final String AUTHZ_CONSENT = Balp.PROFILES + "IHE.BasicAudit.AuthZconsent";
  public static final String PRIVACY_DISCLOSURE_SOURCE =
      Balp.PROFILES + "IHE.BasicAudit.PrivacyDisclosure.Source";

  /** Consentry's own subtype codes: an operation's name, a key operation. */
  public static final String SUBTYPES = "http://consentry.org/fhir/CodeSystem/audit-event-subtype";

  private final String serverBase;
  private final String issuer;

  /**
   * @param serverBase the FHIR base URL, the observer of events whose request has none (background
   *     work); {@code null}: "Consentry FHIR server"
   * @param issuer the token issuer URL, the system of the user's identifier; may be {@code null}
   */
  public AuditEvents(String serverBase, String issuer) {
    this.serverBase = serverBase;
    this.issuer = issuer;
  }

  /**
   * An operation on one patient's data ({@code $everything}): a PatientQuery whose subtypes add
   * {@code operation} and the operation's name; the query entity holds {@code method url}
   * (description) and the URL (query).
   *
   * @param operation the operation's name, {@code "$everything"}
   * @param url the request's complete URL, with its parameters
   */
  public AuditEvent patientOperation(
      AuditRequest request, String patientId, String operation, String method, String url) {
    Objects.requireNonNull(url, "url");
    String base = base(request);
    AuditEvent event = rest(PATIENT_QUERY, AuditEventAction.E, base);
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, "search", "search"));
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, "operation", "operation"));
    event.addSubtype(Balp.coding(SUBTYPES, operation, "operation " + operation));
    restAgents(event, request, Balp.sourceRole(), Balp.destinationRole(), base);
    Balp.addRequestId(event, request.requestId());
    Balp.addQuery(event, method, url);
    Balp.addPatient(event, patientId);
    return event;
  }

  /**
   * A read or vread (BALP Read, or PatientRead with the patient): the client as Destination and the
   * server as Source (BALP's Read codes them so; HAPI's capture swaps them), the resource read as
   * the data entity.
   *
   * @param interaction the restful-interaction code, {@code read} or {@code vread}
   * @param patientId the patient whose data it is, or {@code null} for data of no patient
   * @param resource the resource read, relative ({@code "Observation/5"})
   */
  public AuditEvent read(
      AuditRequest request, String interaction, String patientId, String resource) {
    String base = base(request);
    AuditEvent event =
        rest(
            patientId == null
                ? BalpProfileEnum.BASIC_READ.getProfileUrl()
                : BalpProfileEnum.PATIENT_READ.getProfileUrl(),
            AuditEventAction.R,
            base);
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, interaction, interaction));
    restAgents(event, request, Balp.destinationRole(), Balp.sourceRole(), base);
    Balp.addResource(event, request.requestId(), resource, patientId);
    return event;
  }

  /**
   * A create, update or delete of {@code resource} ({@code "Observation/5"}), of this patient's
   * data ({@code null}: of no patient, BALP's basic profile): see {@link RestWrite#event}.
   *
   * @param interaction the request's restful-interaction code, or {@code null}
   */
  public AuditEvent write(
      AuditRequest request,
      RestWrite write,
      String interaction,
      String resource,
      String patientId) {
    return write.event(request, base(request), issuer, interaction, resource, patientId);
  }

  /**
   * A search or a page of one (BALP Query, or PatientQuery with the patient whose data the page
   * shows): the query entity holds {@code method url} (description) and the URL (query).
   *
   * @param interaction the restful-interaction code, {@code search-type} or {@code search-system}
   * @param patientId a patient whose data the page shows, or {@code null}
   */
  public AuditEvent query(
      AuditRequest request, String interaction, String patientId, String method, String url) {
    String base = base(request);
    AuditEvent event =
        rest(
            patientId == null
                ? BalpProfileEnum.BASIC_QUERY.getProfileUrl()
                : BalpProfileEnum.PATIENT_QUERY.getProfileUrl(),
            AuditEventAction.E,
            base);
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, interaction, interaction));
    restAgents(event, request, Balp.sourceRole(), Balp.destinationRole(), base);
    Balp.addRequestId(event, request.requestId());
    Balp.addQuery(event, method, url);
    if (patientId != null) {
      Balp.addPatient(event, patientId);
    }
    return event;
  }

  /**
   * A bulk export's disclosure of one patient's data to its requester (PrivacyDisclosure.Source):
   * the server is the source agent (and observer), the requester the recipient (requestor, with its
   * purpose of use), its client application and organization besides; the export job is the data
   * entity.
   */
  public AuditEvent exportDisclosure(AuditRequest request, String patientId, String exportJob) {
    Requester requester = request.requester();
    String purpose = requester == null ? null : requester.purposeOfUse();
    AuditEvent event = disclosure(request, patientId, exportJob, purpose, "bulk export");
    AuditEventAgentComponent recipient = Agents.recipient(event, request);
    recipient.setWho(Agents.user(requester, issuer));
    Agents.describeUser(recipient, requester);
    Balp.addClient(event, Balp.application(), request);
    Agents.addOrganization(event, requester);
    return event;
  }

  /**
   * A research export's disclosure of one patient's de-identified data to a study
   * (PrivacyDisclosure.Source, purpose HRESCH): the recipient agent is the study ({@code
   * ResearchStudy/ID}), never the researcher's account, which appears nowhere in the event.
   */
  public AuditEvent researchDisclosure(
      AuditRequest request, String patientId, String studyReference, String exportJob) {
    Objects.requireNonNull(studyReference, "studyReference");
    AuditEvent event =
        disclosure(request, patientId, exportJob, "HRESCH", "de-identified research export");
    AuditEventAgentComponent recipient = Agents.recipient(event, request);
    recipient.setWho(new Reference(studyReference).setDisplay("research study " + studyReference));
    recipient.addPurposeOfUse().addCoding(Balp.purpose("HRESCH"));
    return event;
  }

  /**
   * A consent-based authorization decision (AuthZconsent): outcome success (0) for a permit,
   * serious failure (8) for a deny (an attempt the patient's consent blocked), the reason as
   * outcomeDesc; agents client, user, organization (when the requester has one: a patient or a
   * system client has none, which AuthZconsent's {@code userorg 1..1} does not foresee) and the
   * server as authorizer; entities the patient and the Consent. BALP closes the entity slicing to
   * patient, consent and token: the request id is not recorded. A decision no Consent made (the
   * deployment default) is subtype AuthZ-Role and claims no profile.
   */
  public AuditEvent authorization(AuditRequest request, String patientId, Decision decision) {
    boolean byConsent = decision.consentId() != null;
    String base = base(request);
    AuditEvent event =
        Balp.event(
            byConsent ? AUTHZ_CONSENT : null,
            Balp.coding(Balp.DCM, "110113", "Security Alert"),
            AuditEventAction.E,
            base);
    event.getSource().addType(Balp.coding(Balp.SOURCE_TYPE, "6", "Security Server"));
    event.addSubtype(
        byConsent
            ? Balp.coding(
                Balp.AUTHZ_SUBTYPE,
                "AuthZ-Consent",
                "Authorization Decision using Roles and Consent")
            : Balp.coding(
                Balp.AUTHZ_SUBTYPE, "AuthZ-Role", "Authorization Decision using only Roles"));
    if (!decision.permitted()) {
      event.setOutcome(AuditEvent.AuditEventOutcome._8);
    }
    event.setOutcomeDesc(decision.reason());
    Agents.purposeOfEvent(event, request.requester());
    Balp.addClient(event, Balp.application(), request);
    Balp.addUser(event, Balp.informationRecipient(), request, issuer);
    Agents.addOrganization(event, request.requester());
    Agents.authorizer(event, base);
    Balp.addPatient(event, patientId);
    if (byConsent) {
      AuditEnrichment.consentEntity(event, decision);
    }
    return event;
  }

  /**
   * An emergency access (break-glass, purpose ETREAT) to one patient's record: outcome success, the
   * override's reason as outcomeDesc, the Consent it overrode (when one would have denied) and the
   * resources reached as data entities.
   */
  public AuditEvent emergencyAccess(
      AuditRequest request, String patientId, Decision decision, Collection<String> resources) {
    String base = base(request);
    AuditEvent event =
        Balp.event(
            null, Balp.coding(Balp.DCM, "110113", "Security Alert"), AuditEventAction.E, base);
    event.addSubtype(Balp.coding(Balp.DCM, "110127", "Emergency Override Started"));
    event.setOutcomeDesc(decision == null ? "emergency access" : decision.reason());
    event.addPurposeOfEvent().addCoding(Balp.purpose("ETREAT"));
    Balp.addClient(event, Balp.application(), request);
    AuditEventAgentComponent user =
        Balp.addUser(event, Balp.informationRecipient(), request, issuer);
    if (!Agents.hasCoding(user.getPurposeOfUse(), Balp.ACT_REASON, "ETREAT")) {
      user.addPurposeOfUse().addCoding(Balp.purpose("ETREAT"));
    }
    Agents.addOrganization(event, request.requester());
    Agents.authorizer(event, base);
    Balp.addRequestId(event, request.requestId());
    Balp.addPatient(event, patientId);
    if (decision != null && decision.consentId() != null) {
      AuditEnrichment.consentEntity(event, decision);
    }
    for (String resource : resources == null ? List.<String>of() : resources) {
      Balp.addData(
          event,
          BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE,
          BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY,
          new Reference(resource));
    }
    return event;
  }

  /** A patient's erasure: their data key destroyed (crypto-shredding), action D. */
  public AuditEvent erasure(AuditRequest request, String patientId) {
    String base = base(request);
    AuditEvent event =
        Balp.event(
            null, Balp.coding(Balp.DCM, "110110", "Patient Record"), AuditEventAction.D, base);
    event.addSubtype(
        Balp.coding(Balp.LIFECYCLE, "destroy", "Destroy/Delete Record Lifecycle Event"));
    event.setOutcomeDesc("data key destroyed: the patient's encrypted data can no longer be read");
    custodyAgents(event, request, base);
    Balp.addRequestId(event, request.requestId());
    Balp.addPatient(event, patientId);
    Balp.addKey(event, null, "data key of " + Balp.patientReference(patientId), "destroyed");
    return event;
  }

  /**
   * A key operation (rotation or re-wrap of the master key or of data keys), for one patient's key
   * ({@code patientId}) or none ({@code null}).
   *
   * @param keyId the key and version concerned ({@code "kek v3"}), or {@code null}
   * @param description what was done, in words ({@code "412 data keys re-wrapped"}), or {@code
   *     null}
   */
  public AuditEvent keyOperation(
      AuditRequest request,
      KeyOperation operation,
      String keyId,
      String patientId,
      String description) {
    String base = base(request);
    AuditEvent event =
        Balp.event(
            null, Balp.coding(Balp.DCM, "110113", "Security Alert"), AuditEventAction.E, base);
    event.addSubtype(Balp.coding(Balp.DCM, "110129", "Security Configuration"));
    event.addSubtype(Balp.coding(SUBTYPES, operation.code(), operation.display()));
    event.setOutcomeDesc(description == null ? operation.display() : description);
    custodyAgents(event, request, base);
    Balp.addRequestId(event, request.requestId());
    if (patientId != null) {
      Balp.addPatient(event, patientId);
    }
    Balp.addKey(event, keyId, operation.display(), description);
    return event;
  }

  private String base(AuditRequest request) {
    return request.serverBase() != null ? request.serverBase() : serverBase;
  }

  /** A RESTful event (type {@code rest}) of this profile and action. */
  static AuditEvent rest(String profile, AuditEventAction action, String base) {
    Coding rest = Balp.coding(BalpConstants.CS_AUDIT_EVENT_TYPE, "rest", "Restful Operation");
    return Balp.event(profile, rest, action, base);
  }

  private void restAgents(
      AuditEvent event, AuditRequest request, Coding clientType, Coding serverType, String base) {
    Agents.rest(event, request, clientType, serverType, Balp.informationRecipient(), base, issuer);
  }

  /** Client (Application), server (custodian) and user (author), as BALP's Delete. */
  private void custodyAgents(AuditEvent event, AuditRequest request, String base) {
    Agents.purposeOfEvent(event, request.requester());
    Balp.addClient(event, Balp.application(), request);
    Balp.addServer(
        event,
        Balp.coding(
            "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
            "custodian",
            "Custodian"),
        base);
    Balp.addUser(
        event, Balp.coding(Balp.PARTICIPATION, "AUT", "author (originator)"), request, issuer);
    Agents.addOrganization(event, request.requester());
  }

  private AuditEvent disclosure(
      AuditRequest request, String patientId, String job, String purpose, String what) {
    Objects.requireNonNull(job, "exportJob");
    String base = base(request);
    AuditEvent event =
        Balp.event(
            PRIVACY_DISCLOSURE_SOURCE,
            Balp.coding(Balp.DCM, "110106", "Export"),
            AuditEventAction.R,
            base);
    event.addSubtype(Balp.coding(Balp.LIFECYCLE, "disclose", "Disclose Record Lifecycle Event"));
    event.addSubtype(Balp.coding(BalpConstants.CS_RESTFUL_INTERACTION, "operation", "operation"));
    event.addSubtype(Balp.coding(SUBTYPES, "$export", "operation $export"));
    if (purpose != null) {
      event.addPurposeOfEvent().addCoding(Balp.purpose(purpose));
    }
    // the source agent is the observer itself (BALP's val-audit-source)
    Balp.addServer(event, Balp.sourceRole(), base);
    Balp.addRequestId(event, request.requestId());
    Balp.addPatient(event, patientId);
    Balp.addData(event, Balp.OBJECT_ROLE_JOB, "Job", new Reference().setDisplay(what))
        .setDescription(what)
        .getWhat()
        .setIdentifier(new Identifier().setValue(job));
    return event;
  }
}
