package org.consentry.server.terminology;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Terminology settings ({@code consentry.terminology.*}).
 *
 * @param labeling whether every write is labelled with its sensitivity categories and
 *     confidentiality (off only to measure what labelling costs: consent decisions depend on it)
 */
@ConfigurationProperties("consentry.terminology")
record TerminologyProperties(@DefaultValue("true") boolean labeling) {}
