package org.consentry.deid;

/**
 * One rule of a profile: the elements its path selects get its method. {@code builtIn} marks the
 * rules every profile ends with (narrative, annotations, attachment data and URLs removed), which
 * any earlier rule of the profile overrides, e.g. {@code {"path": "Observation.note", "method":
 * "keep"}}.
 */
public record DeidRule(String path, DeidMethod method, boolean builtIn) {}
