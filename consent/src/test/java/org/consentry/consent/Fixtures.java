package org.consentry.consent;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/** Readable builders for Consents, requesters and resources of patient {@code p1}. */
final class Fixtures {

  static final String PATIENT = "p1";
  static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  static final String SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";
  static final String CVX = "http://hl7.org/fhir/sid/cvx";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private Fixtures() {}

  static ConsentEngine engine() {
    return new ConsentEngine(ConsentPolicy.defaults(), CLOCK);
  }

  // ---- provisions

  static P permit() {
    return new P(Consent.ConsentProvisionType.PERMIT);
  }

  static P deny() {
    return new P(Consent.ConsentProvisionType.DENY);
  }

  /** A provision without type: inherits its parent's (or the policyRule's at the root). */
  static P untyped() {
    return new P(null);
  }

  /** A provision under construction. */
  static final class P {
    final Consent.ProvisionComponent component = new Consent.ProvisionComponent();

    P(Consent.ConsentProvisionType type) {
      if (type != null) {
        component.setType(type);
      }
    }

    P actor(String reference) {
      component
          .addActor()
          .setReference(new Reference(reference))
          .setRole(
              new CodeableConcept(
                  new Coding(
                      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", null)));
      return this;
    }

    P action(String code) {
      component
          .addAction()
          .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/consentaction", code, null));
      return this;
    }

    P purpose(String code) {
      component.addPurpose(new Coding(ACT_REASON, code, null));
      return this;
    }

    P label(String code) {
      return label(ACT_CODE, code);
    }

    P label(String system, String code) {
      component.addSecurityLabel(new Coding(system, code, null));
      return this;
    }

    P resourceClass(String system, String type) {
      component.addClass_(new Coding(system, type, null));
      return this;
    }

    P resourceClass(String type) {
      return resourceClass("http://hl7.org/fhir/resource-types", type);
    }

    P code(String system, String code) {
      component.addCode(new CodeableConcept(new Coding(system, code, null)));
      return this;
    }

    P period(String start, String end) {
      component.setPeriod(span(start, end));
      return this;
    }

    P dataPeriod(String start, String end) {
      component.setDataPeriod(span(start, end));
      return this;
    }

    P data(Consent.ConsentDataMeaning meaning, String reference) {
      component.addData().setMeaning(meaning).setReference(new Reference(reference));
      return this;
    }

    P obligation(String code) {
      component.addExtension(
          ConsentEngine.OBLIGATION_EXTENSION, new Coding(Obligation.OBLIGATION_POLICY, code, null));
      return this;
    }

    /** The consent-ResearchStudyContext extension with a reference to this study. */
    P study(String reference) {
      return studyValue(new Reference(reference));
    }

    /** The consent-ResearchStudyContext extension with any value (null: none). */
    P studyValue(Type value) {
      component.addExtension(new Extension(ConsentEngine.RESEARCH_STUDY_EXTENSION, value));
      return this;
    }

    P nest(P... children) {
      Arrays.stream(children).forEach(child -> component.addProvision(child.component));
      return this;
    }

    @Override
    public String toString() {
      return "provision";
    }
  }

  private static Period span(String start, String end) {
    Period period = new Period();
    if (start != null) {
      period.setStartElement(new DateTimeType(start));
    }
    if (end != null) {
      period.setEndElement(new DateTimeType(end));
    }
    return period;
  }

  // ---- consents

  /** An active patient-privacy Consent of p1, dated 2024-01-01, with this root provision. */
  static Consent consent(String id, P root) {
    Consent consent = new Consent();
    consent.setId(id);
    consent.setStatus(Consent.ConsentState.ACTIVE);
    consent.setScope(new CodeableConcept(new Coding(SCOPE, "patient-privacy", null)));
    consent.setPatient(new Reference("Patient/" + PATIENT));
    consent.setDateTimeElement(new DateTimeType("2024-01-01"));
    if (root != null) {
      consent.setProvision(root.component);
    }
    return consent;
  }

  static Consent scoped(String scope, Consent consent) {
    consent.setScope(new CodeableConcept(new Coding(SCOPE, scope, null)));
    return consent;
  }

  static Consent dated(String dateTime, Consent consent) {
    consent.setDateTimeElement(new DateTimeType(dateTime));
    return consent;
  }

  // ---- requesters

  static Requester practitioner(String purpose, String fhirUser, String... memberships) {
    return new Requester(
        Requester.Kind.PRACTITIONER,
        "sub-" + fhirUser,
        null,
        fhirUser,
        "Organization/3",
        Set.of(memberships),
        Set.of("user/*.read"),
        purpose,
        "ehr-app");
  }

  static Requester practitioner(String fhirUser) {
    return practitioner("TREAT", fhirUser);
  }

  static Requester system(String purpose, String organization) {
    return new Requester(
        Requester.Kind.SYSTEM,
        "ehr-client",
        null,
        null,
        organization,
        Set.of(),
        Set.of("system/*.read"),
        purpose,
        "ehr-client");
  }

  static Requester patient(String id) {
    return new Requester(
        Requester.Kind.PATIENT,
        "sub-" + id,
        id,
        "Patient/" + id,
        null,
        Set.of(),
        Set.of("patient/*.read"),
        "PATRQT",
        "portal");
  }

  static Requester researcher() {
    return new Requester(
        Requester.Kind.RESEARCHER,
        "sub-r",
        null,
        "Practitioner/50",
        "Organization/60",
        Set.of(),
        Set.of("system/*.read"),
        "HRESCH",
        "research-portal");
  }

  /** A researcher acting for this study ({@code "ResearchStudy/A"}), purpose HRESCH. */
  static Requester researcher(String study) {
    return new Requester(
        Requester.Kind.RESEARCHER,
        "sub-r",
        null,
        "Practitioner/50",
        "Organization/60",
        Set.of(study),
        Set.of("system/*.read"),
        "HRESCH",
        "research-portal");
  }

  // ---- resources

  static Observation observation(String id) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setSubject(new Reference("Patient/" + PATIENT));
    observation.setCode(new CodeableConcept(new Coding(LOINC, "8867-4", "Heart rate")));
    return observation;
  }

  static Observation labelled(String label) {
    Observation observation = observation("o-" + label);
    observation.getMeta().addSecurity(new Coding(ACT_CODE, label, null));
    return observation;
  }

  static Observation effective(String date) {
    Observation observation = observation("o-" + date);
    observation.setEffective(new DateTimeType(date));
    return observation;
  }

  static Observation issued(String instant) {
    Observation observation = observation("o-issued");
    observation.setIssuedElement(new InstantType(instant));
    return observation;
  }

  static Observation performedBy(String reference) {
    Observation observation = observation("o-by");
    observation.addPerformer(new Reference(reference));
    return observation;
  }

  static Observation inEncounter(String id, String encounter) {
    Observation observation = observation(id);
    observation.setEncounter(new Reference(encounter));
    return observation;
  }

  static Condition condition(String system, String code) {
    Condition condition = new Condition();
    condition.setId("cond-" + code);
    condition.setCode(new CodeableConcept(new Coding(system, code, null)));
    return condition;
  }

  static Condition conditionOnset(String onset) {
    Condition condition = condition(SNOMED, "38341003");
    condition.setOnset(new DateTimeType(onset));
    return condition;
  }

  static Condition recordedBy(String reference) {
    Condition condition = condition(SNOMED, "38341003");
    condition.setRecorder(new Reference(reference));
    return condition;
  }

  static MedicationRequest medication(String system, String code) {
    MedicationRequest request = new MedicationRequest();
    request.setId("mr-" + code);
    request.setMedication(new CodeableConcept(new Coding(system, code, null)));
    return request;
  }

  static Immunization immunization(String cvx) {
    Immunization immunization = new Immunization();
    immunization.setId("imm-" + cvx);
    immunization.setVaccineCode(new CodeableConcept(new Coding(CVX, cvx, null)));
    return immunization;
  }

  static Encounter encounter(String id, String typeCode, String start, String end) {
    Encounter encounter = new Encounter();
    encounter.setId(id);
    if (typeCode != null) {
      encounter.addType(new CodeableConcept(new Coding(SNOMED, typeCode, null)));
    }
    if (start != null || end != null) {
      encounter.setPeriod(span(start, end));
    }
    return encounter;
  }

  static Procedure procedure(String code, String performed) {
    Procedure procedure = new Procedure();
    procedure.setId("proc-" + code);
    procedure.setCode(new CodeableConcept(new Coding(SNOMED, code, null)));
    if (performed != null) {
      procedure.setPerformed(new DateTimeType(performed));
    }
    return procedure;
  }

  static AllergyIntolerance allergy(String code) {
    AllergyIntolerance allergy = new AllergyIntolerance();
    allergy.setId("al-" + code);
    allergy.setCode(new CodeableConcept(new Coding(SNOMED, code, null)));
    return allergy;
  }

  static DiagnosticReport report(String id, String... results) {
    DiagnosticReport report = new DiagnosticReport();
    report.setId(id);
    report.setCode(new CodeableConcept(new Coding(LOINC, "58410-2", null)));
    for (String result : results) {
      report.addResult(new Reference(result));
    }
    return report;
  }

  static Patient patientResource() {
    Patient patient = new Patient();
    patient.setId(PATIENT);
    return patient;
  }

  static <R extends Resource> R withId(R resource, String id) {
    resource.setId(id);
    return resource;
  }

  static List<Consent> list(Consent... consents) {
    return List.of(consents);
  }
}
