/**
 * The content of the audit log: IHE BALP AuditEvents for every access to patient data. {@link
 * org.consentry.server.audit.AuditCapture} takes them from the request pipeline; {@link
 * org.consentry.server.audit.AuditEvents} builds every kind, with purpose, organization and the
 * Consent that decided; {@link org.consentry.server.audit.QueryProtection} keeps searched
 * identifiers out of stored queries. Storing the events is the {@code audit} module's.
 */
package org.consentry.server.audit;
