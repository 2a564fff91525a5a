package org.consentry.server.security;

import java.util.Set;
import org.consentry.consent.Requester;

/**
 * A requester as kept by the server for work done later on its behalf (an export job's parameters,
 * a Subscription's subscriber), as JSON: who it was and what it was granted, never its token or any
 * secret.
 */
public record StoredRequester(
    String kind,
    String subject,
    String patientId,
    String fhirUser,
    String organization,
    Set<String> actorReferences,
    Set<String> scopes,
    String purposeOfUse,
    String clientId) {

  public static StoredRequester of(Requester r) {
    return new StoredRequester(
        r.kind().name(),
        r.subject(),
        r.patientId(),
        r.fhirUser(),
        r.organization(),
        r.actorReferences(),
        r.scopes(),
        r.purposeOfUse(),
        r.clientId());
  }

  public Requester toRequester() {
    return new Requester(
        Requester.Kind.valueOf(kind),
        subject,
        patientId,
        fhirUser,
        organization,
        actorReferences,
        scopes,
        purposeOfUse,
        clientId);
  }
}
