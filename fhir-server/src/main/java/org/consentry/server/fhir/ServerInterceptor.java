package org.consentry.server.fhir;

/**
 * Marks a bean that is a HAPI interceptor for the REST server (server pointcuts, and storage
 * pointcuts fired for a request). Features declare one; {@link FhirServerConfig} registers them
 * all, in {@link org.springframework.core.annotation.Order} order.
 */
public interface ServerInterceptor {}
