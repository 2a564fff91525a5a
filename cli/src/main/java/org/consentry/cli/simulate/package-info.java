/**
 * The internals of {@code consentry simulate}: simulated wearables ({@link
 * org.consentry.cli.simulate.Wearable}), their NDJSON batches, the patients and devices they belong
 * to, and the run that streams them to {@code $ingest-measurements}.
 */
package org.consentry.cli.simulate;
