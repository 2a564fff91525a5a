package org.consentry.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.GrantedScopes.Reach;

/**
 * A search by a token whose only grant on the searched type is a {@code patient/} scope is narrowed
 * to the patient's compartment ({@code GET /Observation} becomes {@code GET
 * /Observation?patient=Patient/123}), so that paging and counts are the patient's own. Anything
 * that slips past the narrowing is still hidden per resource by the consent service.
 */
final class PatientSearchNarrowing extends SearchNarrowingInterceptor implements ServerInterceptor {

  @Override
  protected AuthorizedList buildAuthorizedList(RequestDetails request) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null || requester.patientId() == null || request.getResourceName() == null) {
      return null;
    }
    GrantedScopes scopes = GrantedScopes.of(requester.scopes());
    if (scopes.reach(request.getResourceName(), Interaction.SEARCH) != Reach.PATIENT_COMPARTMENT) {
      return null;
    }
    return new AuthorizedList().addCompartment("Patient/" + requester.patientId());
  }
}
