/**
 * Durable background jobs on HAPI's Batch2: chunked, with progress kept in the database (readable
 * from any node, kept over restarts), and the recovery of work chunks whose node died.
 */
package org.consentry.server.jobs;
