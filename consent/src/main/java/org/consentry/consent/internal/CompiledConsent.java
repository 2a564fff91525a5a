package org.consentry.consent.internal;

/**
 * One Consent, compiled.
 *
 * @param id {@code "Consent/12"}
 * @param researchScope scope research: counts only for research purposes
 * @param dateTime {@code Consent.dateTime} in epoch millis, {@link Long#MIN_VALUE} when absent
 * @param root the root provision
 */
record CompiledConsent(String id, boolean researchScope, long dateTime, ProvisionRule root) {}
