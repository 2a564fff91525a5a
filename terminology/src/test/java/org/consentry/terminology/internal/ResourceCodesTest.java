package org.consentry.terminology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.consentry.terminology.SampleData;
import org.consentry.terminology.SensitivityCategory;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The typed readers are an optimization: on real data they must find what the generic walk finds.
 */
class ResourceCodesTest {

  private final IndexedSensitivityLabeler labeler =
      IndexedSensitivityLabeler.of(Terminology.bundled().valueSets());

  @Test
  void typedReaders_onTheSampleData_findTheSameCategoriesAsTheGenericWalk() {
    List<Resource> resources = new ArrayList<>(SampleData.syntheaResources());
    resources.addAll(SampleData.sampleBundleEntries());
    List<String> disagreements = new ArrayList<>();
    int sensitive = 0;

    for (Resource resource : resources) {
      int typed = labeler.mask(resource);
      int generic = labeler.genericMask(resource);
      if (typed != generic) {
        disagreements.add(
            resource.fhirType()
                + "/"
                + resource.getIdPart()
                + ": typed "
                + IndexedSensitivityLabeler.toSet(typed)
                + ", generic "
                + IndexedSensitivityLabeler.toSet(generic));
      }
      sensitive += typed != 0 ? 1 : 0;
    }

    assertThat(disagreements).isEmpty();
    assertThat(sensitive).isGreaterThan(1000);
  }

  @Test
  void collect_readsContainedResources() {
    Condition condition = new Condition().setCode(concept("http://snomed.info/sct", "38341003"));
    condition.addContained(
        new Observation().setCode(concept("http://loinc.org", "75626-2")).setId("audit"));

    assertThat(IndexedSensitivityLabeler.toSet(labeler.mask(condition)))
        .containsExactly(SensitivityCategory.ETH);
  }

  @Test
  void collect_readsBundleEntries() {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    bundle
        .addEntry()
        .setResource(new Condition().setCode(concept("http://snomed.info/sct", "706893006")));

    assertThat(IndexedSensitivityLabeler.toSet(labeler.mask(bundle)))
        .containsExactly(SensitivityCategory.SDV);
  }

  @Test
  void collect_readsResourceExtensions_butNotMeta() {
    Condition condition = new Condition().setCode(concept("http://snomed.info/sct", "38341003"));
    condition.addExtension(
        "http://example.org/fhir/StructureDefinition/note-topic",
        new Coding("http://snomed.info/sct", "19169002", null));
    condition.getMeta().addTag(new Coding("http://snomed.info/sct", "7200002", null));

    assertThat(IndexedSensitivityLabeler.toSet(labeler.mask(condition)))
        .containsExactly(SensitivityCategory.SEX);
    assertThat(IndexedSensitivityLabeler.toSet(labeler.genericMask(condition)))
        .containsExactly(SensitivityCategory.SEX);
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }
}
