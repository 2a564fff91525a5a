package org.consentry.consent;

import java.util.Objects;
import java.util.Set;

/**
 * Who is asking, derived once per request from a validated access token.
 *
 * <p>The consent engine decides with it; the server's scope check reads {@link #scopes()}. A
 * requester is immutable and holds no secrets (never the token itself).
 *
 * @param kind what sort of party this is
 * @param subject the identity provider's stable subject ({@code sub}), or the client id of a system
 *     client; used for audit
 * @param patientId the bare id of the patient in context ({@code "123"}, not {@code
 *     "Patient/123"}); present for patients and for practitioner tokens launched in a patient
 *     context
 * @param fhirUser the FHIR resource the user is ({@code "Practitioner/7"}), if any
 * @param organization the organization the requester acts for ({@code "Organization/3"}), if any
 * @param actorReferences every FHIR reference the requester can be matched as in a {@code
 *     Consent.provision.actor}: its fhirUser, organization, and the CareTeams, Groups,
 *     PractitionerRoles and RelatedPersons it belongs to; for a research requester, the study it
 *     acts for ({@code "ResearchStudy/ID"}), which a provision's consent-ResearchStudyContext
 *     extension is matched against. Relative references such as {@code "CareTeam/5"}
 * @param scopes the SMART scopes granted to the token, as strings
 * @param purposeOfUse a v3-ActReason code such as {@code TREAT}, {@code ETREAT} or {@code HRESCH}
 * @param clientId the OAuth client the token was issued to
 */
public record Requester(
    Kind kind,
    String subject,
    String patientId,
    String fhirUser,
    String organization,
    Set<String> actorReferences,
    Set<String> scopes,
    String purposeOfUse,
    String clientId) {

  /** The kinds of requester the platform knows. */
  public enum Kind {
    PATIENT,
    PRACTITIONER,
    SYSTEM,
    RESEARCHER,
    /**
     * reads the audit trail (role {@code auditor}); never patient data, which no Consent can grant
     * to this kind
     */
    AUDITOR
  }

  public Requester {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(purposeOfUse, "purposeOfUse");
    actorReferences = actorReferences == null ? Set.of() : Set.copyOf(actorReferences);
    scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
  }

  /** Whether this requester is the patient whose bare id is given. */
  public boolean isPatient(String bareId) {
    return kind == Kind.PATIENT && patientId != null && patientId.equals(bareId);
  }
}
