package org.consentry.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.consentry.cli.imports.ImportResult;
import org.consentry.server.ServerIT;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** The terminology service through HAPI's generic client, and labelling on the write paths. */
class TerminologyIT extends ServerIT {

  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String CONFIDENTIALITY =
      "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  private static final String PSY_VALUE_SET = "http://consentry.org/fhir/ValueSet/sensitivity-psy";
  private static final String SNOMED = "http://snomed.info/sct";

  @Test
  void lookup_findsAnActCodeSensitivityCode() {
    Parameters out =
        client()
            .operation()
            .onType("CodeSystem")
            .named("$lookup")
            .withParameter(Parameters.class, "system", new UriType(ACT_CODE))
            .andParameter("code", new CodeType("PSY"))
            .execute();

    assertThat(((StringType) out.getParameter("display").getValue()).getValue())
        .containsIgnoringCase("psychiatry");
  }

  @Test
  void validateCode_inTheMentalHealthValueSet() {
    assertThat(validate("73595000")).as("Stress (finding) is mental-health data").isTrue();
    assertThat(validate("38341003")).as("hypertension is not").isFalse();
  }

  @Test
  void expand_withFilterAndPaging() {
    ValueSet all = expand(null, 0, 1000);
    ValueSet filtered = expand("anxiety", 0, 1000);
    ValueSet secondPage = expand(null, 2, 2);

    assertThat(all.getExpansion().getContains()).hasSizeGreaterThan(10);
    assertThat(filtered.getExpansion().getContains())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.getDisplay()).containsIgnoringCase("anxiety"));
    assertThat(secondPage.getExpansion().getContains())
        .hasSize(2)
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactly(
            all.getExpansion().getContains().get(2).getCode(),
            all.getExpansion().getContains().get(3).getCode());
  }

  @Test
  void subsumes_answersForStoredCodes_and400ForUnknownOnes() {
    Parameters out =
        client()
            .operation()
            .onType("CodeSystem")
            .named("$subsumes")
            .withParameter(
                Parameters.class,
                "system",
                new UriType("http://terminology.hl7.org/CodeSystem/consentscope"))
            .andParameter("codeA", new CodeType("patient-privacy"))
            .andParameter("codeB", new CodeType("research"))
            .execute();
    var unknown =
        get(
            "/CodeSystem/$subsumes?system=http://terminology.hl7.org/CodeSystem/consentscope&codeA=research&codeB=no-such-code");

    assertThat(((CodeType) out.getParameter("outcome").getValue()).getValue())
        .isEqualTo("not-subsumed");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("OperationOutcome").contains("no-such-code");
  }

  @Test
  void translate_mapsACategoryToRestricted() {
    Parameters out =
        client()
            .operation()
            .onType("ConceptMap")
            .named("$translate")
            .withParameter(
                Parameters.class,
                "url",
                new UriType("http://consentry.org/fhir/ConceptMap/sensitivity-to-confidentiality"))
            .andParameter("system", new UriType(ACT_CODE))
            .andParameter("code", new CodeType("ETH"))
            .execute();

    assertThat(((BooleanType) out.getParameter("result").getValue()).booleanValue()).isTrue();
    Coding concept =
        (Coding)
            out.getParameter("match").getPart().stream()
                .filter(p -> p.getName().equals("concept"))
                .findFirst()
                .orElseThrow()
                .getValue();
    assertThat(concept.getSystem()).isEqualTo(CONFIDENTIALITY);
    assertThat(concept.getCode()).isEqualTo("R");
  }

  @Test
  void create_ofMentalHealthCondition_isLabelledAndSearchableBySecurity() {
    Condition stored = createCondition(SNOMED, "73595000", List.of());

    assertThat(codes(stored)).contains(ACT_CODE + "|PSY", CONFIDENTIALITY + "|R");
    Bundle found =
        client()
            .search()
            .forResource(Condition.class)
            .withSecurity(ACT_CODE, "PSY")
            .where(Condition.RES_ID.exactly().code(stored.getIdElement().getIdPart()))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  @Test
  void unknownCodeSystem_isStoredAndLabelledNormal() {
    Condition stored = createCondition("http://example.org/unknown-system", "X-1", List.of());

    assertThat(codes(stored)).containsExactly(CONFIDENTIALITY + "|N");
  }

  @Test
  void clientLabels_areKept_andNeverLowered() {
    Coding veryRestricted = new Coding(CONFIDENTIALITY, "V", "very restricted");

    Condition stored = createCondition(SNOMED, "38341003", List.of(veryRestricted));

    assertThat(codes(stored))
        .contains(CONFIDENTIALITY + "|V")
        .doesNotContain(CONFIDENTIALITY + "|N");
  }

  @Test
  void update_withoutLabels_keepsThePreviousOnes() {
    Condition stored =
        createCondition(
            SNOMED,
            "38341003",
            List.of(new Coding(CONFIDENTIALITY, "V", null), new Coding(ACT_CODE, "HIV", null)));
    Condition changed = new Condition();
    changed.setId(stored.getIdElement().toUnqualifiedVersionless());
    changed.getCode().addCoding(new Coding(SNOMED, "38341003", null)).setText("edited");

    client().update().resource(changed).execute();

    Condition read =
        client()
            .read()
            .resource(Condition.class)
            .withId(stored.getIdElement().toUnqualifiedVersionless())
            .execute();
    assertThat(read.getMeta().getVersionId()).isEqualTo("2");
    assertThat(codes(read))
        .contains(CONFIDENTIALITY + "|V", ACT_CODE + "|HIV")
        .doesNotContain(CONFIDENTIALITY + "|R", CONFIDENTIALITY + "|N");
  }

  @Test
  void invalidSensitivityValueSet_is400WithTheReason() {
    ValueSet invalid = new ValueSet();
    invalid.setUrl("http://example.org/ValueSet/broken-" + UUID.randomUUID());
    invalid.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    invalid.addExtension(
        Terminology.SENSITIVITY_CATEGORY_EXTENSION, new Coding(ACT_CODE, "ETH", null));

    var response = postJson("/ValueSet", FHIR.newJsonParser().encodeResourceToString(invalid));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("OperationOutcome")
        .contains("Invalid sensitivity ValueSet");
  }

  @Test
  void uploadedValueSet_labelsTheNextWrite_andRelabelFixesStoredData() throws Exception {
    String code = "consentry-it-" + UUID.randomUUID();
    String system = "http://example.org/local-codes";
    Condition before = createCondition(system, code, List.of());
    assertThat(codes(before)).doesNotContain(ACT_CODE + "|ETH");

    ValueSet upload = new ValueSet();
    upload.setUrl("http://example.org/ValueSet/local-substance-use-" + UUID.randomUUID());
    upload.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    upload.addExtension(
        Terminology.SENSITIVITY_CATEGORY_EXTENSION, new Coding(ACT_CODE, "ETH", null));
    upload.getCompose().addInclude().setSystem(system).addConcept().setCode(code);
    client().create().resource(upload).execute();

    Condition after = createCondition(system, code, List.of());
    assertThat(codes(after)).contains(ACT_CODE + "|ETH", CONFIDENTIALITY + "|R");

    relabelAndWait();
    Condition relabelled =
        client()
            .read()
            .resource(Condition.class)
            .withId(before.getIdElement().toUnqualifiedVersionless())
            .execute();
    assertThat(codes(relabelled))
        .contains(ACT_CODE + "|ETH", CONFIDENTIALITY + "|R")
        .doesNotContain(CONFIDENTIALITY + "|N");
    assertThat(relabelled.getMeta().getVersionId())
        .as("relabelling makes no new version")
        .isEqualTo("1");
  }

  @Test
  void sampleData_mentalHealthConditions_matchTheLibrarysLabels(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ImportResult result = syntheaImported();
    assertThat(result.failures()).isEmpty();
    long expected =
        Files.readAllLines(Path.of("../data/synthea-10/Condition.ndjson")).stream()
            .map(line -> FHIR.newJsonParser().parseResource(Condition.class, line))
            .filter(
                c ->
                    Terminology.bundled().labeler().categories(c).stream()
                        .anyMatch(cat -> cat.code().equals("PSY")))
            .count();

    Bundle psy =
        client()
            .search()
            .forResource(Condition.class)
            .withSecurity(ACT_CODE, "PSY")
            .where(Condition.PATIENT.hasAnyOfIds(syntheaPatients()))
            .count(500)
            .returnBundle(Bundle.class)
            .execute();

    assertThat(expected).isPositive();
    assertThat(psy.getEntry()).hasSize((int) expected);
  }

  private List<String> syntheaPatients() throws Exception {
    return Files.readAllLines(Path.of("../data/synthea-10/Patient.ndjson")).stream()
        .map(l -> "Patient/" + FHIR.newJsonParser().parseResource(l).getIdElement().getIdPart())
        .toList();
  }

  private Condition createCondition(String system, String code, List<Coding> labels) {
    Condition condition = new Condition();
    condition.getCode().addCoding(new Coding(system, code, null));
    labels.forEach(condition.getMeta()::addSecurity);
    IdType id = (IdType) client().create().resource(condition).execute().getId();
    return client()
        .read()
        .resource(Condition.class)
        .withId(id.toUnqualifiedVersionless())
        .execute();
  }

  private static List<String> codes(Condition condition) {
    return condition.getMeta().getSecurity().stream()
        .map(c -> c.getSystem() + "|" + c.getCode())
        .toList();
  }

  private boolean validate(String code) {
    Parameters out =
        client()
            .operation()
            .onType("ValueSet")
            .named("$validate-code")
            .withParameter(Parameters.class, "url", new UriType(PSY_VALUE_SET))
            .andParameter("system", new UriType(SNOMED))
            .andParameter("code", new CodeType(code))
            .execute();
    return ((BooleanType) out.getParameter("result").getValue()).booleanValue();
  }

  private ValueSet expand(String filter, int offset, int count) {
    Parameters in = new Parameters();
    in.addParameter("url", new UriType(PSY_VALUE_SET));
    in.addParameter("offset", new IntegerType(offset));
    in.addParameter("count", new IntegerType(count));
    if (filter != null) {
      in.addParameter("filter", new StringType(filter));
    }
    return client()
        .operation()
        .onType("ValueSet")
        .named("$expand")
        .withParameters(in)
        .returnResourceType(ValueSet.class)
        .execute();
  }

  private void relabelAndWait() throws Exception {
    IGenericClient client = client();
    Parameters job =
        client
            .operation()
            .onServer()
            .named("$relabel")
            .withNoParameters(Parameters.class)
            .execute();
    String id = ((StringType) job.getParameter("job").getValue()).getValue();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
    String status = "";
    Parameters progress = job;
    while (Instant.now().isBefore(deadline)) {
      progress =
          client
              .operation()
              .onServer()
              .named("$relabel-status")
              .withParameter(Parameters.class, "job", new StringType(id))
              .useHttpGet()
              .execute();
      status = ((StringType) progress.getParameter("status").getValue()).getValue();
      if (status.equals("completed") || status.equals("failed")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(status).isEqualTo("completed");
    int total = ((IntegerType) progress.getParameter("total").getValue()).getValue();
    assertThat(total).as("the Condition created above at least").isPositive();
    assertThat(((IntegerType) progress.getParameter("processed").getValue()).getValue())
        .isEqualTo(total);
    assertThat(((IntegerType) progress.getParameter("relabeled").getValue()).getValue())
        .as("the Condition created before the ValueSet, at least")
        .isPositive();
  }
}
