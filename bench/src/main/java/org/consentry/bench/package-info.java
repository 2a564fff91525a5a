/**
 * Benchmarks of a running Consentry server: ingest throughput and read latency, written to
 * bench/results.
 */
package org.consentry.bench;
