package org.consentry.terminology.internal;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** Accumulates the category mask of the codings one resource carries. Not thread-safe. */
final class CodeCollector {

  private final CodeIndex index;
  private int mask;

  CodeCollector(CodeIndex index) {
    this.index = index;
  }

  void coding(Coding coding) {
    mask |= index.lookup(coding.getSystem(), coding.getCode());
  }

  void concept(CodeableConcept concept) {
    if (concept.hasCoding()) {
      for (Coding coding : concept.getCoding()) {
        coding(coding);
      }
    }
  }

  void concepts(List<CodeableConcept> concepts) {
    for (CodeableConcept concept : concepts) {
      concept(concept);
    }
  }

  int mask() {
    return mask;
  }
}
