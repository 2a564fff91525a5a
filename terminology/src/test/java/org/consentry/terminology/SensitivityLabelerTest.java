package org.consentry.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirVersionEnum;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseMetaType;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SensitivityLabelerTest {

  static final String SNOMED = "http://snomed.info/sct";
  static final String LOINC = "http://loinc.org";
  static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private final SensitivityLabeler labeler = Terminology.bundled().labeler();

  /** Where in a resource a coding is put, by a short name used in the decision tables. */
  enum Shape {
    CONDITION_CODE(c -> new Condition().setCode(concept(c))),
    OBSERVATION_CODE(c -> new Observation().setCode(concept(c))),
    OBSERVATION_VALUE(
        c ->
            new Observation()
                .setCode(concept(new Coding(LOINC, "72166-2", null)))
                .setValue(concept(c))),
    OBSERVATION_COMPONENT(
        c -> {
          Observation observation =
              new Observation().setCode(concept(new Coding(LOINC, "93025-5", null)));
          observation.addComponent().setCode(concept(c));
          return observation;
        }),
    PROCEDURE_CODE(c -> new Procedure().setCode(concept(c))),
    MEDICATION_REQUEST(c -> new MedicationRequest().setMedication(concept(c))),
    MEDICATION_STATEMENT(c -> new MedicationStatement().setMedication(concept(c))),
    ENCOUNTER_REASON(c -> new Encounter().addReasonCode(concept(c))),
    ENCOUNTER_TYPE(c -> new Encounter().addType(concept(c))),
    REPORT_CODE(c -> new DiagnosticReport().setCode(concept(c))),
    REPORT_CONCLUSION(
        c ->
            new DiagnosticReport()
                .setCode(concept(new Coding(LOINC, "34117-2", null)))
                .addConclusionCode(concept(c))),
    CARE_PLAN_ACTIVITY(
        c -> {
          CarePlan plan = new CarePlan();
          plan.addActivity().getDetail().setCode(concept(c));
          return plan;
        }),
    CLAIM_ITEM(
        c -> {
          Claim claim = new Claim();
          claim.addItem().setProductOrService(concept(c));
          return claim;
        }),
    CLAIM_DIAGNOSIS(
        c -> {
          Claim claim = new Claim();
          claim.addDiagnosis().setDiagnosis(concept(c));
          return claim;
        }),
    EOB_ITEM(
        c -> {
          ExplanationOfBenefit eob = new ExplanationOfBenefit();
          eob.addItem().setProductOrService(concept(c));
          return eob;
        }),
    CONTAINED_IN_REPORT(
        c -> {
          DiagnosticReport report =
              new DiagnosticReport().setCode(concept(new Coding(LOINC, "34117-2", null)));
          report.addContained(new Observation().setCode(concept(c)).setId("inner"));
          return report;
        }),
    QUESTIONNAIRE_ANSWER(
        c -> {
          QuestionnaireResponse response = new QuestionnaireResponse();
          response.addItem().setLinkId("1").addAnswer().setValue(c);
          return response;
        }),
    PATIENT_EXTENSION(
        c -> {
          Patient patient = new Patient();
          patient.addExtension("http://example.org/fhir/StructureDefinition/some-coding", c);
          return patient;
        });

    final Function<Coding, Resource> build;

    Shape(Function<Coding, Resource> build) {
      this.build = build;
    }

    Resource with(String system, String code) {
      return build.apply(new Coding(system, code, null));
    }
  }

  @Nested
  class Categories {

    @ParameterizedTest(name = "{0} {2} -> [{3}]")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
        # shape                 | system                                    | code              | categories
        CONDITION_CODE          | http://snomed.info/sct                    | 73595000          | PSY
        CONDITION_CODE          | http://snomed.info/sct                    | 80583007          | PSY
        PROCEDURE_CODE          | http://snomed.info/sct                    | 454711000124102   | PSY
        REPORT_CODE             | http://loinc.org                          | 44249-1           | PSY
        OBSERVATION_CODE        | http://loinc.org                          | 70274-6           | PSY
        OBSERVATION_COMPONENT   | http://loinc.org                          | 93038-8           | PSY
        CARE_PLAN_ACTIVITY      | http://snomed.info/sct                    | 228557008         | PSY
        CLAIM_DIAGNOSIS         | http://hl7.org/fhir/sid/icd-10-cm         | F32.A             | PSY
        CONDITION_CODE          | http://snomed.info/sct                    | 7200002           | ETH
        ENCOUNTER_REASON        | http://snomed.info/sct                    | 55680006          | ETH
        ENCOUNTER_REASON        | http://snomed.info/sct                    | 6525002           | ETH
        OBSERVATION_CODE        | http://loinc.org                          | 75626-2           | ETH
        REPORT_CODE             | http://loinc.org                          | 82666-9           | ETH
        EOB_ITEM                | http://snomed.info/sct                    | 763302001         | ETH
        CONDITION_CODE          | http://hl7.org/fhir/sid/icd-10-cm         | F10.20            | ETH
        CONDITION_CODE          | http://snomed.info/sct                    | 706893006         | SDV
        OBSERVATION_COMPONENT   | http://loinc.org                          | 76501-6           | SDV
        REPORT_CODE             | http://loinc.org                          | 76499-3           | SDV
        CLAIM_ITEM              | http://snomed.info/sct                    | 866148006         | SDV
        CONDITION_CODE          | http://hl7.org/fhir/sid/icd-10-cm         | T74.11XA          | SDV
        CONDITION_CODE          | http://snomed.info/sct                    | 19169002          | SEX
        CONDITION_CODE          | http://snomed.info/sct                    | 267020005         | SEX
        ENCOUNTER_TYPE          | http://snomed.info/sct                    | 424441002         | SEX
        MEDICATION_REQUEST      | http://www.nlm.nih.gov/research/umls/rxnorm | 831533          | SEX
        MEDICATION_STATEMENT    | http://www.nlm.nih.gov/research/umls/rxnorm | 389221          | SEX
        OBSERVATION_CODE        | http://loinc.org                          | 2106-3            | SEX
        CONDITION_CODE          | http://hl7.org/fhir/sid/icd-10-cm         | Z98.51            | SEX
        PROCEDURE_CODE          | http://snomed.info/sct                    | 31676001          | HIV
        OBSERVATION_CODE        | http://loinc.org                          | 31201-7           | HIV
        CONDITION_CODE          | http://hl7.org/fhir/sid/icd-10-cm         | B20               | HIV
        PROCEDURE_CODE          | http://snomed.info/sct                    | 269828009         | STD
        CONDITION_CODE          | http://hl7.org/fhir/sid/icd-10-cm         | A59.9             | STD
        ENCOUNTER_REASON        | http://snomed.info/sct                    | 267253006         | GDIS SEX
        OBSERVATION_VALUE       | http://snomed.info/sct                    | 73595000          | PSY
        REPORT_CONCLUSION       | http://snomed.info/sct                    | 706893006         | SDV
        CONTAINED_IN_REPORT     | http://loinc.org                          | 55758-7           | PSY
        QUESTIONNAIRE_ANSWER    | http://snomed.info/sct                    | 7200002           | ETH
        PATIENT_EXTENSION       | http://snomed.info/sct                    | 72892002          | SEX
        CONDITION_CODE          | http://snomed.info/sct                    | 38341003          |
        OBSERVATION_CODE        | http://loinc.org                          | 8480-6            |
        MEDICATION_REQUEST      | http://www.nlm.nih.gov/research/umls/rxnorm | 993770          |
        PROCEDURE_CODE          | http://snomed.info/sct                    | 47758006          |
        CONDITION_CODE          | http://snomed.info/sct                    | 424393004         |
        """)
    void categories_followTheValueSets(Shape shape, String system, String code, String categories) {
      Resource resource = shape.with(system, code);

      assertThat(labeler.categories(resource))
          .containsExactlyInAnyOrderElementsOf(parse(categories));
    }

    @Test
    void categories_ofAResourceWithCodesOfSeveralCategories_isTheirUnion() {
      Observation observation =
          new Observation()
              .setCode(concept(new Coding(LOINC, "75626-2", null)))
              .setValue(concept(new Coding(SNOMED, "706893006", null)));

      assertThat(labeler.categories(observation))
          .containsExactlyInAnyOrder(SensitivityCategory.ETH, SensitivityCategory.SDV);
    }

    @Test
    void categories_doesNotChangeTheResource() {
      Condition condition = new Condition().setCode(concept(new Coding(SNOMED, "73595000", null)));

      labeler.categories(condition);

      assertThat(condition.hasMeta()).isFalse();
    }
  }

  @Nested
  class Apply {

    @Test
    void apply_onSensitiveData_addsTheCategoryAndRestricted() {
      Condition condition = condition("7200002");

      boolean changed = labeler.apply(condition);

      assertThat(changed).isTrue();
      assertThat(labels(condition))
          .containsExactly(SensitivityCategory.SYSTEM + "|ETH", Confidentiality.SYSTEM + "|R");
    }

    @Test
    void apply_onOrdinaryData_addsNormalOnly() {
      Condition condition = condition("38341003");

      labeler.apply(condition);

      assertThat(labels(condition)).containsExactly(Confidentiality.SYSTEM + "|N");
    }

    @Test
    void apply_twice_changesNothingTheSecondTime() {
      Condition condition = condition("7200002");
      labeler.apply(condition);

      boolean changedAgain = labeler.apply(condition);

      assertThat(changedAgain).isFalse();
      assertThat(condition.getMeta().getSecurity()).hasSize(2);
    }

    @Test
    void apply_withClientVeryRestricted_onSensitiveData_keepsV() {
      Condition condition = condition("7200002");
      condition.getMeta().addSecurity(Confidentiality.V.toCoding());

      labeler.apply(condition);

      assertThat(labels(condition))
          .containsExactlyInAnyOrder(
              Confidentiality.SYSTEM + "|V", SensitivityCategory.SYSTEM + "|ETH");
    }

    @Test
    void apply_withClientRestricted_onOrdinaryData_doesNotLowerToNormal() {
      Condition condition = condition("38341003");
      condition.getMeta().addSecurity(Confidentiality.R.toCoding());

      boolean changed = labeler.apply(condition);

      assertThat(changed).isFalse();
      assertThat(labels(condition)).containsExactly(Confidentiality.SYSTEM + "|R");
    }

    @Test
    void apply_withClientNormal_onSensitiveData_raisesItToRestrictedInPlace() {
      Condition condition = condition("73595000");
      condition.getMeta().addSecurity(Confidentiality.N.toCoding());

      labeler.apply(condition);

      assertThat(labels(condition))
          .containsExactlyInAnyOrder(
              Confidentiality.SYSTEM + "|R", SensitivityCategory.SYSTEM + "|PSY");
    }

    @Test
    void apply_withClientLabels_keepsThemAll() {
      Condition condition = condition("38341003");
      condition.getMeta().addSecurity(SensitivityCategory.HIV.toCoding());
      condition
          .getMeta()
          .addSecurity(
              new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST", null));

      labeler.apply(condition);

      assertThat(labels(condition))
          .containsExactlyInAnyOrder(
              SensitivityCategory.SYSTEM + "|HIV",
              "http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST",
              Confidentiality.SYSTEM + "|R");
    }

    @Test
    void apply_withTheCategoryAlreadyLabeled_doesNotDuplicateIt() {
      Condition condition = condition("7200002");
      condition.getMeta().addSecurity(SensitivityCategory.ETH.toCoding());

      labeler.apply(condition);

      assertThat(labels(condition))
          .containsExactly(SensitivityCategory.SYSTEM + "|ETH", Confidentiality.SYSTEM + "|R");
    }

    @Test
    void apply_withLegacyConfidentialitySystem_doesNotLowerIt() {
      Condition condition = condition("7200002");
      condition
          .getMeta()
          .addSecurity(new Coding("http://hl7.org/fhir/v3/Confidentiality", "V", null));

      labeler.apply(condition);

      assertThat(labels(condition))
          .containsExactlyInAnyOrder(
              "http://hl7.org/fhir/v3/Confidentiality|V", SensitivityCategory.SYSTEM + "|ETH");
    }

    @Test
    void apply_toAResourceOfAnotherFhirVersion_isRejectedSayingWhy() {
      assertThatThrownBy(() -> labeler.apply(new NotR4Resource()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a FHIR R4 resource");
    }
  }

  @Nested
  class UnknownCodes {

    @Test
    void apply_withACodeFromAnUnknownSystem_labelsFromTheCodesItKnows() {
      Observation observation =
          new Observation()
              .setCode(
                  concept(new Coding("http://example.org/local-codes", "MOOD-7", "Mood check")))
              .setValue(concept(new Coding(SNOMED, "73595000", null)));

      labeler.apply(observation);

      assertThat(labels(observation))
          .containsExactlyInAnyOrder(
              SensitivityCategory.SYSTEM + "|PSY", Confidentiality.SYSTEM + "|R");
    }

    @Test
    void apply_withOnlyUnknownCodes_labelsNormal() {
      Condition condition =
          new Condition().setCode(concept(new Coding("urn:oid:1.2.3.4.5", "7200002", null)));
      condition.getCode().addCoding(new Coding(null, "7200002", null));

      labeler.apply(condition);

      assertThat(labels(condition)).containsExactly(Confidentiality.SYSTEM + "|N");
    }

    @Test
    void categories_ofASensitiveCodeUnderAnotherSystem_isEmpty() {
      Patient patient = new Patient();
      patient.addExtension(
          "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
          new Coding("urn:oid:2.16.840.1.113883.6.238", "2106-3", "White"));

      assertThat(labeler.categories(patient)).isEmpty();
    }
  }

  @Nested
  class OperatorValueSets {

    @Test
    void withValueSet_forANewCategory_labelsTheCodesItLists() {
      ValueSet sickleCell =
          valueSet(
              "http://example.org/fhir/ValueSet/sickle-cell",
              "SCA",
              "http://example.org/codes",
              "SC-1");

      SensitivityLabeler extended = labeler.withValueSet(sickleCell);

      Condition condition =
          new Condition().setCode(concept(new Coding("http://example.org/codes", "SC-1", null)));
      assertThat(extended.categories(condition)).containsExactly(SensitivityCategory.SCA);
      assertThat(labeler.categories(condition)).isEmpty();
    }

    @Test
    void withValueSet_withTheUrlOfABundledOne_replacesIt() {
      ValueSet narrower =
          valueSet(SensitivityCategory.PSY.valueSetUrl(), "PSY", SNOMED, "80583007");

      SensitivityLabeler replaced = labeler.withValueSet(narrower);

      assertThat(replaced.categories(condition("73595000"))).isEmpty();
      assertThat(replaced.categories(condition("80583007")))
          .containsExactly(SensitivityCategory.PSY);
      assertThat(replaced.categories(condition("7200002")))
          .containsExactly(SensitivityCategory.ETH);
    }

    @Test
    void labelerFromValueSets_usesExactlyThoseValueSets() {
      SensitivityLabeler onlyEth =
          Terminology.labeler(
              List.of(valueSet("http://example.org/fhir/ValueSet/eth", "ETH", SNOMED, "38341003")));

      assertThat(onlyEth.categories(condition("38341003")))
          .containsExactly(SensitivityCategory.ETH);
      assertThat(onlyEth.categories(condition("7200002"))).isEmpty();
    }

    @Test
    void withValueSet_withoutCompose_isRejectedSayingWhy() {
      ValueSet noCompose = valueSet("http://example.org/fhir/ValueSet/empty", "ETH", SNOMED, "1");
      noCompose.setCompose(null);

      assertThatThrownBy(() -> labeler.withValueSet(noCompose))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("http://example.org/fhir/ValueSet/empty")
          .hasMessageContaining("compose.include");
    }

    @Test
    void withValueSet_withACategoryTheModuleDoesNotKnow_isRejectedSayingWhy() {
      ValueSet unknown = valueSet("http://example.org/fhir/ValueSet/celebrity", "CEL", SNOMED, "1");

      assertThatThrownBy(() -> labeler.withValueSet(unknown))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'CEL'")
          .hasMessageContaining("not a category this module knows");
    }
  }

  /** Stands for a resource of another FHIR version (no other structures are on the classpath). */
  @SuppressWarnings("serial")
  static final class NotR4Resource implements IBaseResource {
    @Override
    public IBaseMetaType getMeta() {
      return null;
    }

    @Override
    public IIdType getIdElement() {
      return null;
    }

    @Override
    public IBaseResource setId(String id) {
      return this;
    }

    @Override
    public IBaseResource setId(IIdType id) {
      return this;
    }

    @Override
    public FhirVersionEnum getStructureFhirVersionEnum() {
      return FhirVersionEnum.DSTU3;
    }

    @Override
    public boolean isEmpty() {
      return true;
    }

    @Override
    public boolean hasFormatComment() {
      return false;
    }

    @Override
    public List<String> getFormatCommentsPre() {
      return List.of();
    }

    @Override
    public List<String> getFormatCommentsPost() {
      return List.of();
    }

    @Override
    public Object getUserData(String name) {
      return null;
    }

    @Override
    public void setUserData(String name, Object value) {}
  }

  static Condition condition(String snomedCode) {
    return new Condition().setCode(concept(new Coding(SNOMED, snomedCode, null)));
  }

  static CodeableConcept concept(Coding coding) {
    return new CodeableConcept().addCoding(coding);
  }

  static ValueSet valueSet(String url, String category, String system, String... codes) {
    ValueSet valueSet = new ValueSet().setUrl(url);
    valueSet.addExtension(
        Terminology.SENSITIVITY_CATEGORY_EXTENSION,
        new Coding(SensitivityCategory.SYSTEM, category, null));
    ValueSet.ConceptSetComponent include = valueSet.getCompose().addInclude().setSystem(system);
    for (String code : codes) {
      include.addConcept().setCode(code);
    }
    return valueSet;
  }

  static List<String> labels(Resource resource) {
    return resource.getMeta().getSecurity().stream()
        .map(label -> label.getSystem() + "|" + label.getCode())
        .toList();
  }

  private static Set<SensitivityCategory> parse(String categories) {
    Set<SensitivityCategory> set = new TreeSet<>();
    if (categories != null) {
      Arrays.stream(categories.trim().split("\\s+"))
          .map(SensitivityCategory::valueOf)
          .forEach(set::add);
    }
    return set;
  }
}
