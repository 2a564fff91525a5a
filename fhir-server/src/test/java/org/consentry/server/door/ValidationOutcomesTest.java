package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValidationOutcomesTest {

  @Test
  void aJavaObjectAsJavaPrintsIt_becomesWords() {
    String validator =
        "Unable to expand ValueSet: cannot apply filters"
            + " '[org.hl7.fhir.r5.model.ValueSet$ConceptSetFilterComponent@5be078c]' because"
            + " CodeSystem 'http://snomed.info/sct' is ignored/not-present";

    assertThat(ValidationOutcomes.inWords(validator))
        .isEqualTo(
            "Unable to expand ValueSet: cannot apply filters because CodeSystem"
                + " 'http://snomed.info/sct' is ignored/not-present");
  }

  @Test
  void ordinaryMessages_areKept() {
    String message =
        "None of the codings provided are in the value set 'Encounter Reason Codes'"
            + " (http://hl7.org/fhir/ValueSet/encounter-reason|4.0.1) at Encounter.reasonCode[0]";

    assertThat(ValidationOutcomes.inWords(message)).isEqualTo(message);
  }
}
