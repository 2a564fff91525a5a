/**
 * The content of the audit log: IHE BALP AuditEvents for every access to patient data. HAPI's
 * {@code BalpAuditCaptureInterceptor} makes the RESTful events with {@link
 * org.consentry.server.audit.BalpContext}; {@link org.consentry.server.audit.AuditEnrichment} adds
 * purpose, organization and consent decision; {@link org.consentry.server.audit.AuditEvents} builds
 * the kinds HAPI does not cover; {@link org.consentry.server.audit.QueryProtection} keeps searched
 * identifiers out of stored queries. Storing the events is the {@code audit} module's.
 */
package org.consentry.server.audit;
