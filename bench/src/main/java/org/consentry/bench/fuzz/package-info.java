/**
 * A seeded fuzzer of the FHIR request surface: hostile requests, 5xx and internal-text oracles,
 * shrunk curl reproducers (run by bench/fuzz.sh).
 */
package org.consentry.bench.fuzz;
