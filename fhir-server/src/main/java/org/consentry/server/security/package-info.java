/** Keycloak access tokens, SMART on FHIR scopes and the {@code Requester} of every FHIR request. */
package org.consentry.server.security;
