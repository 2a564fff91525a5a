/**
 * The durable, tamper-evident audit store: AuditEvent JSON in PostgreSQL, chained by SHA-256, with
 * HMAC-signed checkpoints; start at {@link org.consentry.audit.AuditLog}.
 */
package org.consentry.audit;
