package org.consentry.server.fhir;

/**
 * A feature's FHIR operations: a bean implementing this is registered with the FHIR endpoint as a
 * HAPI plain provider, so its {@code @Operation} methods are served under {@code /fhir}.
 */
public interface FhirOperations {}
