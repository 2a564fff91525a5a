package org.consentry.terminology.internal;

import org.hl7.fhir.r4.model.Resource;

/** Lets the throughput measurement time the generic walk on its own; test code only. */
public final class GenericWalkProbe {

  private GenericWalkProbe() {}

  public static int genericMask(IndexedSensitivityLabeler labeler, Resource resource) {
    return labeler.genericMask(resource);
  }
}
