/**
 * The soak (issue 15): a mixed load of reads, searches, writes and Consent changes across server
 * nodes for minutes, with a consent invariant checked on every answer (run by bench/soak.sh).
 */
package org.consentry.bench.soak;
