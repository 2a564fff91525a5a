package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.crypto.StoredForms;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code $consent-decision?patient=}: the whole record of a patient as an actor would see it, with
 * the Consents of {@link ConsentJson}; who may ask; the answer's limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordPreviewIT extends ServerIT {

  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private String p1;
  private String p2;
  private String orgX;
  private String orgZ;
  private String drX;
  private String heartRate;
  private String restricted;
  private String psy;
  private String p1User;
  private String p1Password;
  private final List<String> consents = new ArrayList<>();

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    orgX = "Organization/preview-x-" + s;
    orgZ = "Organization/preview-z-" + s;
    drX = "Practitioner/preview-dr-" + s;
    for (String org : List.of(orgX, orgZ)) {
      client().update().resource(new Organization().setName(org).setId(org)).execute();
    }
    client().update().resource(new Practitioner().setActive(true).setId(drX)).execute();
    p1 = create(new Patient().setActive(true));
    p2 = create(new Patient().setActive(true));
    create(new Observation().setSubject(new Reference("Patient/" + p2)));

    Encounter encounter = new Encounter();
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.setSubject(new Reference("Patient/" + p1));
    encounter.addType().setText("Encounter for check up");
    encounter.setPeriod(new Period().setStartElement(new DateTimeType("2020-02-03T04:00:00Z")));
    create(encounter);
    Observation heart = observation("Heart rate");
    heart.setEffective(new DateTimeType("2020-02-03T04:05:06Z"));
    heartRate = create(heart);
    // restricted: its value is stored encrypted (consentry.crypto.encrypt-restricted *.value[x])
    Observation hiv = observation("HIV 1 RNA");
    hiv.getMeta()
        .addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null);
    hiv.setValue(new StringType("detected-" + s));
    restricted = create(hiv);
    Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/" + p1));
    condition
        .getCode()
        .addCoding(new Coding("http://snomed.info/sct", "35489007", "Depressive disorder"));
    condition.setOnset(new DateTimeType("2019-05-06"));
    condition.getMeta().addSecurity(new Coding(ACT_CODE, "PSY", null));
    psy = create(condition);
    MedicationRequest request = new MedicationRequest();
    request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
    request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    request.setSubject(new Reference("Patient/" + p1));
    request.setMedication(new CodeableConcept().setText("Amoxicillin 250 MG Oral Capsule"));
    request.setAuthoredOnElement(new DateTimeType("2021-07-08"));
    create(request);
    Immunization immunization = new Immunization();
    immunization.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    immunization.setPatient(new Reference("Patient/" + p1));
    immunization.getVaccineCode().setText("Influenza, seasonal");
    immunization.setOccurrence(new DateTimeType("2021-10-01"));
    create(immunization);

    p1User = "preview-p1-" + s;
    p1Password = TestKeycloak.users().addPatient(p1User, "Patient/" + p1);
  }

  @AfterEach
  void revokeAll() {
    for (String consent : consents) {
      assertThat(send("DELETE", "/" + consent, null, null).statusCode()).isIn(200, 204);
    }
    consents.clear();
  }

  @Test
  void deniedOrganization_seesOnlyTheExceptedType_anotherSeesEverything() {
    String consent = consent(ConsentJson.denyActorExceptType(p1, orgX, "Immunization"));
    // the record: Patient, Encounter, 2 Observations, Condition, MedicationRequest, Immunization,
    // and the Consent itself
    for (String token : List.of(p1Token(), ehrToken())) {
      Preview x = preview(token, "patient=Patient/" + p1 + "&actor=" + orgX);
      assertThat(x.patient()).isEqualTo("Patient/" + p1);
      assertThat(x.shown()).isEqualTo(1);
      assertThat(x.hidden()).isEqualTo(7);
      assertThat(x.types())
          .containsExactly(
              Map.entry("Condition", List.of(0, 1)),
              Map.entry("Consent", List.of(0, 1)),
              Map.entry("Encounter", List.of(0, 1)),
              Map.entry("Immunization", List.of(1, 0)),
              Map.entry("MedicationRequest", List.of(0, 1)),
              Map.entry("Observation", List.of(0, 2)),
              Map.entry("Patient", List.of(0, 1)));
      assertThat(x.truncated()).isFalse();
      assertThat(x.listed()).hasSize(7).allSatisfy(h -> assertThat(h.consent()).isEqualTo(consent));
      assertThat(x.listed()).allSatisfy(h -> assertThat(h.reason()).isNotBlank());
      assertThat(x.listed())
          .extracting(Listed::display)
          .containsExactly(
              "Depressive disorder",
              "Consent",
              "Encounter for check up",
              "Amoxicillin 250 MG Oral Capsule",
              "Heart rate",
              "HIV 1 RNA",
              "Patient");
      assertThat(x.listed())
          .extracting(Listed::date)
          .containsExactly(
              "2019-05-06",
              null,
              "2020-02-03T04:00:00Z",
              "2021-07-08",
              "2020-02-03T04:05:06Z",
              null,
              null);
      assertThat(x.listed()).extracting(Listed::resource).contains("Observation/" + heartRate);
      assertThat(x.body()).doesNotContain("detected-", StoredForms.ENCRYPTED, "masked");

      Preview z = preview(token, "patient=Patient/" + p1 + "&actor=" + orgZ + "&purpose=TREAT");
      assertThat(z.shown()).isEqualTo(8);
      assertThat(z.hidden()).isZero();
      assertThat(z.listed()).isEmpty();
      assertThat(z.types().values()).allSatisfy(counts -> assertThat(counts.get(1)).isZero());
    }
  }

  @Test
  void mentalHealthLabel_hiddenFromAllButOnePractitioner_labelledOnlyForWhoMaySeeIt() {
    String consent = consent(ConsentJson.mentalHealthOnlyFor(p1, drX));
    Preview own = preview(p1Token(), "patient=Patient/" + p1 + "&actor=" + orgZ);
    assertThat(own.hidden()).isEqualTo(1);
    assertThat(own.types().get("Condition")).containsExactly(0, 1);
    assertThat(own.types().get("Observation")).containsExactly(2, 0);
    Listed condition = own.listed().get(0);
    assertThat(condition.resource()).isEqualTo("Condition/" + psy);
    assertThat(condition.consent()).isEqualTo(consent);
    assertThat(condition.display()).isEqualTo("Depressive disorder");
    assertThat(condition.date()).isEqualTo("2019-05-06");

    // the EHR may ask, but may not see mental-health data itself: the type only
    Preview asked = preview(ehrToken(), "patient=Patient/" + p1 + "&actor=" + orgZ);
    assertThat(asked.listed())
        .singleElement()
        .satisfies(h -> assertThat(h.display()).isEqualTo("Condition"));
    assertThat(asked.listed().get(0).date()).isNull();
    assertThat(asked.body()).doesNotContain("Depressive");

    Preview permitted =
        preview(p1Token(), "patient=Patient/" + p1 + "&actor=" + drX + "&actor=" + orgZ);
    assertThat(permitted.hidden()).isZero();
    assertThat(permitted.shown()).isEqualTo(own.shown() + 1);
  }

  @Test
  void anotherPatientsRecord_orAMissingOne_answersExactlyAsAMissingPatient() {
    String missing = "preview-missing-" + UUID.randomUUID();
    for (String[] ask :
        List.of(
            new String[] {p1Token(), p2},
            new String[] {p1Token(), missing},
            new String[] {ehrToken(), missing})) {
      for (String reference : List.of("Patient/" + ask[1], ask[1])) {
        HttpResponse<String> preview =
            sendAs(
                ask[0],
                "GET",
                "/$consent-decision?patient=" + reference + "&actor=" + orgX,
                null,
                null);
        HttpResponse<String> read = sendAs(ask[0], "GET", "/Patient/" + ask[1], null, null);
        assertThat(preview.statusCode()).isEqualTo(404).isEqualTo(read.statusCode());
        assertThat(preview.body()).isEqualTo(read.body());
        assertThat(preview.headers().firstValue("Content-Type"))
            .isEqualTo(read.headers().firstValue("Content-Type"));
      }
    }
  }

  @Test
  void exactlyOneOfResourceAndPatient_andActorsAsForOneResource() {
    for (String token : List.of(p1Token(), ehrToken())) {
      for (String query :
          List.of(
              "resource=Observation/" + heartRate + "&patient=Patient/" + p1 + "&actor=" + orgX,
              "actor=" + orgX,
              "")) {
        HttpResponse<String> response =
            sendAs(token, "GET", "/$consent-decision?" + query, null, null);
        assertThat(response.statusCode()).as(query).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome", "exactly one of resource");
      }
      assertThat(status(token, "patient=Observation/" + heartRate + "&actor=" + orgX))
          .isEqualTo(400);
      assertThat(status(token, "patient=Patient/" + p1)).as("no actor").isEqualTo(400);
    }
    // the resource mode is unchanged
    assertThat(status(ehrToken(), "resource=Observation/" + heartRate + "&actor=" + orgX))
        .isEqualTo(200);
  }

  @Test
  void aSystemClient_mayAskAboutAnyone() {
    Preview other = preview(ehrToken(), "patient=Patient/" + p2 + "&actor=" + orgX);
    assertThat(other.patient()).isEqualTo("Patient/" + p2);
    assertThat(other.types()).containsOnlyKeys("Observation", "Patient");
    assertThat(other.shown()).isEqualTo(2);
  }

  @Test
  void aLargeRecord_isDecidedWhole_andListsTheFirst200Hidden() {
    String p3 = create(new Patient().setActive(true));
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    int observations = RecordPreview.PAGE + 20; // more than one page of the loader
    for (int i = 0; i < observations; i++) {
      Observation obs = new Observation();
      obs.setStatus(Observation.ObservationStatus.FINAL);
      obs.getCode().setText("Glucose " + i);
      obs.setSubject(new Reference("Patient/" + p3));
      transaction
          .addEntry()
          .setResource(obs)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
    }
    client().transaction().withBundle(transaction).execute();
    HttpResponse<String> created =
        send("POST", "/Consent", "application/fhir+json", ConsentJson.denyActor(p3, orgX));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    consents.add(
        "Consent/" + FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart());

    long start = System.nanoTime();
    Preview x = preview(ehrToken(), "patient=Patient/" + p3 + "&actor=" + orgX);
    System.out.printf(
        "RecordPreviewIT: %d resources previewed in %d ms%n",
        x.shown() + x.hidden(), (System.nanoTime() - start) / 1_000_000);
    assertThat(x.hidden()).isEqualTo(observations + 2); // and the Patient and the Consent
    assertThat(x.shown()).isZero();
    assertThat(x.types().get("Observation")).containsExactly(0, observations);
    assertThat(x.listed()).hasSize(RecordPreview.MAX_LISTED);
    assertThat(x.listed()).extracting(Listed::resource).doesNotHaveDuplicates();
    assertThat(x.truncated()).isTrue();
  }

  // ---- helpers ----

  /** One listed hidden resource. */
  record Listed(String resource, String display, String reason, String consent, String date) {}

  /** A preview as the portal reads it; types: name to [shown, hidden]. */
  record Preview(
      String body,
      String patient,
      int shown,
      int hidden,
      Map<String, List<Integer>> types,
      List<Listed> listed,
      boolean truncated) {}

  private Preview preview(String token, String query) {
    HttpResponse<String> response = sendAs(token, "GET", "/$consent-decision?" + query, null, null);
    assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
    Parameters out = FHIR.newJsonParser().parseResource(Parameters.class, response.body());
    Map<String, List<Integer>> types = new LinkedHashMap<>();
    List<Listed> listed = new ArrayList<>();
    for (ParametersParameterComponent p : out.getParameter()) {
      if (p.getName().equals("type")) {
        types.put(
            part(p, "name"),
            List.of(Integer.valueOf(part(p, "shown")), Integer.valueOf(part(p, "hidden"))));
      } else if (p.getName().equals("hiddenResource")) {
        assertThat(p.getPart())
            .extracting(ParametersParameterComponent::getName)
            .isSubsetOf(Set.of("resource", "display", "reason", "consent", "date"));
        listed.add(
            new Listed(
                part(p, "resource"),
                part(p, "display"),
                part(p, "reason"),
                part(p, "consent"),
                part(p, "date")));
      }
    }
    return new Preview(
        response.body(),
        ((Reference) out.getParameter("patient").getValue()).getReference(),
        Integer.parseInt(out.getParameter("shown").getValue().primitiveValue()),
        Integer.parseInt(out.getParameter("hidden").getValue().primitiveValue()),
        types,
        listed,
        Boolean.parseBoolean(out.getParameter("truncated").getValue().primitiveValue()));
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    for (ParametersParameterComponent part : parameter.getPart()) {
      if (part.getName().equals(name)) {
        return part.getValue() instanceof Reference ref
            ? ref.getReference()
            : part.getValue().primitiveValue();
      }
    }
    return null;
  }

  private int status(String token, String query) {
    return sendAs(token, "GET", "/$consent-decision?" + query, null, null).statusCode();
  }

  private String create(Resource resource) {
    return client().create().resource(resource).execute().getId().getIdPart();
  }

  private Observation observation(String text) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().setText(text);
    obs.setSubject(new Reference("Patient/" + p1));
    return obs;
  }

  private String p1Token() {
    return userToken(p1User, p1Password, "patient/*.cruds");
  }

  private String consent(String json) {
    HttpResponse<String> created =
        sendAs(p1Token(), "POST", "/Consent", "application/fhir+json", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id =
        "Consent/" + FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();
    consents.add(id);
    return id;
  }
}
