package org.consentry.terminology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.consentry.terminology.SensitivityCategory;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SensitivityValueSetsTest {

  private static final String URL = "http://example.org/fhir/ValueSet/test";
  private static final String SNOMED = "http://snomed.info/sct";

  /** A valid value set, then one change that makes it invalid, and what the message must say. */
  static Stream<Arguments> invalidValueSets() {
    return Stream.of(
        invalid(
            "no category",
            vs -> vs.getExtension().clear(),
            "does not declare a sensitivity category"),
        invalid(
            "unknown category",
            vs -> category(vs, new Coding(SensitivityCategory.SYSTEM, "NOPE", null)),
            "'NOPE', which is not a category this module knows"),
        invalid(
            "category in another system",
            vs -> category(vs, new Coding("http://example.org/cs", "ETH", null)),
            "use system " + SensitivityCategory.SYSTEM),
        invalid(
            "category not a Coding",
            vs -> vs.getExtension().get(0).setValue(new StringType("ETH")),
            "without a valueCoding"),
        invalid(
            "two categories",
            vs ->
                vs.addExtension(
                    Terminology.SENSITIVITY_CATEGORY_EXTENSION,
                    new Coding(SensitivityCategory.SYSTEM, "PSY", null)),
            "declares 2 sensitivity categories"),
        invalid("no url", vs -> vs.setUrl(null).setId("local-1"), "ValueSet/local-1 has no url"),
        invalid("no compose", vs -> vs.setCompose(null), "has no compose.include"),
        invalid(
            "include without system",
            vs -> vs.getCompose().getIncludeFirstRep().setSystem(null),
            "compose.include[0] has no system"),
        invalid(
            "include by filter",
            vs ->
                vs.getCompose()
                    .getIncludeFirstRep()
                    .addFilter()
                    .setProperty("concept")
                    .setValue("74732009"),
            "uses a filter"),
        invalid(
            "include of a value set",
            vs ->
                vs.getCompose()
                    .getIncludeFirstRep()
                    .addValueSet("http://example.org/fhir/ValueSet/other"),
            "imports other value sets"),
        invalid(
            "whole code system",
            vs -> vs.getCompose().getIncludeFirstRep().getConcept().clear(),
            "takes all of " + SNOMED),
        invalid(
            "concept without code",
            vs -> vs.getCompose().getIncludeFirstRep().addConcept(),
            "compose.include[0].concept[1] has no code"),
        invalid(
            "everything excluded",
            vs -> vs.getCompose().addExclude().setSystem(SNOMED).addConcept().setCode("1"),
            "lists no codes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidValueSets")
  void parse_ofAnInvalidValueSet_isRejectedSayingWhy(
      String scenario, ValueSet valueSet, String reason) {
    assertThatThrownBy(() -> SensitivityValueSets.parse(valueSet))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void parse_ofAValidValueSet_readsUrlCategoryAndCodes_minusExcludes() {
    ValueSet valueSet = valid();
    valueSet.getCompose().getIncludeFirstRep().addConcept().setCode("2");
    valueSet.getCompose().addInclude().setSystem("http://loinc.org").addConcept().setCode("1-8");
    valueSet.getCompose().addExclude().setSystem(SNOMED).addConcept().setCode("2");

    SensitivityValueSet parsed = SensitivityValueSets.parse(valueSet);

    assertThat(parsed.url()).isEqualTo(URL);
    assertThat(parsed.category()).isEqualTo(SensitivityCategory.ETH);
    assertThat(parsed.codesBySystem()).containsOnlyKeys(SNOMED, "http://loinc.org");
    assertThat(parsed.codesBySystem().get(SNOMED)).containsExactly("1");
  }

  private static Arguments invalid(String scenario, Consumer<ValueSet> change, String reason) {
    ValueSet valueSet = valid();
    change.accept(valueSet);
    return Arguments.of(scenario, valueSet, reason);
  }

  private static ValueSet valid() {
    ValueSet valueSet = new ValueSet().setUrl(URL);
    category(valueSet, new Coding(SensitivityCategory.SYSTEM, "ETH", null));
    valueSet.getCompose().addInclude().setSystem(SNOMED).addConcept().setCode("1");
    return valueSet;
  }

  private static void category(ValueSet valueSet, Coding category) {
    valueSet.getExtension().clear();
    valueSet.addExtension(Terminology.SENSITIVITY_CATEGORY_EXTENSION, category);
  }
}
