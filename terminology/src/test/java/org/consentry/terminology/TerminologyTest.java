package org.consentry.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

class TerminologyTest {

  private final Terminology terminology = Terminology.bundled();

  @Test
  void bundled_codeSystems_areTheHl7OnesAtTheirOfficialUrls() {
    assertThat(terminology.codeSystems())
        .extracting(CodeSystem::getUrl)
        .containsExactly(
            "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "http://terminology.hl7.org/CodeSystem/v3-ActReason",
            "http://terminology.hl7.org/CodeSystem/consentscope",
            "http://terminology.hl7.org/CodeSystem/consentcategorycodes");
  }

  @Test
  void bundled_largeHl7CodeSystems_areMarkedAsFragments() {
    Map<String, CodeSystem.CodeSystemContentMode> content = new LinkedHashMap<>();
    terminology
        .codeSystems()
        .forEach(system -> content.put(system.getIdPart(), system.getContent()));

    assertThat(content)
        .containsEntry("v3-ActCode", CodeSystem.CodeSystemContentMode.FRAGMENT)
        .containsEntry("v3-ActReason", CodeSystem.CodeSystemContentMode.FRAGMENT)
        .containsEntry("v3-Confidentiality", CodeSystem.CodeSystemContentMode.FRAGMENT)
        .containsEntry("consentscope", CodeSystem.CodeSystemContentMode.COMPLETE);
  }

  @Test
  void bundled_everyResource_describesItsSourceAndPurpose() {
    List<MetadataResource> all = new ArrayList<>();
    all.addAll(terminology.codeSystems());
    all.addAll(terminology.valueSets());
    all.addAll(terminology.conceptMaps());

    assertThat(all)
        .hasSize(13)
        .allSatisfy(
            resource ->
                assertThat(resource.getDescription())
                    .as(resource.getUrl())
                    .contains("Source")
                    .contains("Purpose"));
  }

  @Test
  void bundled_actCodeFragment_holdsExactlyTheSensitivityCategories_withTheirDisplays() {
    CodeSystem actCode = codeSystem("v3-ActCode");
    Map<String, String> displays = new LinkedHashMap<>();
    flatten(actCode.getConcept(), displays);
    displays.remove("_ActInformationSensitivityPolicy");

    Map<String, String> categories = new LinkedHashMap<>();
    Arrays.stream(SensitivityCategory.values()).forEach(c -> categories.put(c.code(), c.display()));
    assertThat(displays).containsExactlyInAnyOrderEntriesOf(categories);
  }

  @Test
  void bundled_confidentiality_holdsTheSixLevelsInTheirOrder() {
    assertThat(codeSystem("v3-Confidentiality").getConcept())
        .extracting(ConceptDefinitionComponent::getCode)
        .containsExactly(
            Arrays.stream(Confidentiality.values())
                .map(Confidentiality::code)
                .toArray(String[]::new));
  }

  @Test
  void bundled_purposeOfUse_holdsTheConsentPurposes_withEmergencyTreatmentUnderTreatment() {
    Map<String, String> parents = new LinkedHashMap<>();
    parents(codeSystem("v3-ActReason").getConcept(), null, parents);

    assertThat(parents)
        .containsKeys("TREAT", "ETREAT", "BTG", "HRESCH", "HPAYMT", "PUBHLTH", "HOPERAT")
        .containsEntry("ETREAT", "TREAT")
        .containsEntry("BTG", "ETREAT");
  }

  @Test
  void bundled_valueSets_oneForEachBundledCategory_atItsConsentryUrl() {
    List<ValueSet> valueSets = terminology.valueSets();

    assertThat(valueSets)
        .extracting(ValueSet::getUrl)
        .containsExactlyInAnyOrder(
            "http://consentry.org/fhir/ValueSet/sensitivity-psy",
            "http://consentry.org/fhir/ValueSet/sensitivity-eth",
            "http://consentry.org/fhir/ValueSet/sensitivity-sdv",
            "http://consentry.org/fhir/ValueSet/sensitivity-sex",
            "http://consentry.org/fhir/ValueSet/sensitivity-hiv",
            "http://consentry.org/fhir/ValueSet/sensitivity-std",
            "http://consentry.org/fhir/ValueSet/sensitivity-gdis");
    assertThat(valueSets)
        .allSatisfy(
            valueSet ->
                assertThat(
                        Terminology.declaredCategory(valueSet)
                            .map(SensitivityCategory::valueSetUrl))
                    .contains(valueSet.getUrl()));
  }

  @Test
  void bundled_conceptMap_mapsEveryCategoryToRestricted_asTheLabelerDoes() {
    ConceptMap map = terminology.conceptMaps().get(0);
    Map<String, String> targets = new LinkedHashMap<>();
    map.getGroupFirstRep()
        .getElement()
        .forEach(
            element -> {
              assertThat(element.getTargetFirstRep().getEquivalence())
                  .isEqualTo(ConceptMapEquivalence.WIDER);
              targets.put(element.getCode(), element.getTargetFirstRep().getCode());
            });

    for (SensitivityCategory category : SensitivityCategory.values()) {
      Condition labeledByClient = new Condition();
      labeledByClient.getMeta().addSecurity(category.toCoding());
      terminology.labeler().apply(labeledByClient);
      String level =
          Confidentiality.fromCoding(labeledByClient.getMeta().getSecurity().get(1))
              .orElseThrow()
              .code();
      assertThat(targets.get(category.code())).as(category.code()).isEqualTo(level).isEqualTo("R");
    }
    assertThat(targets).hasSize(SensitivityCategory.values().length);
  }

  @Test
  void bundled_resources_areCopies_thatCallersMayChange() {
    terminology.valueSets().get(0).getCompose().getInclude().clear();
    terminology.codeSystems().get(0).setUrl("http://example.org/changed");

    assertThat(terminology.valueSets().get(0).getCompose().getInclude()).isNotEmpty();
    assertThat(terminology.codeSystems().get(0).getUrl()).endsWith("v3-Confidentiality");
  }

  @Test
  void declaredCategory_ofAnOrdinaryValueSet_isEmpty() {
    ValueSet ordinary = new ValueSet().setUrl("http://example.org/fhir/ValueSet/colours");

    assertThat(Terminology.declaredCategory(ordinary)).isEmpty();
  }

  private CodeSystem codeSystem(String id) {
    return terminology.codeSystems().stream()
        .filter(s -> s.getIdPart().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static void flatten(List<ConceptDefinitionComponent> concepts, Map<String, String> into) {
    for (ConceptDefinitionComponent concept : concepts) {
      into.put(concept.getCode(), concept.getDisplay());
      flatten(concept.getConcept(), into);
    }
  }

  private static void parents(
      List<ConceptDefinitionComponent> concepts, String parent, Map<String, String> into) {
    for (ConceptDefinitionComponent concept : concepts) {
      into.put(concept.getCode(), parent);
      parents(concept.getConcept(), concept.getCode(), into);
    }
  }
}
