package org.consentry.bench.jmh;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.ConsentPolicy;
import org.consentry.consent.Decision;
import org.consentry.consent.PatientConsents;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Consent decisions per second on one thread: one patient with 10 active Consents with nested
 * provisions (actors of every kind, security labels, classes, codes, periods, data periods, an
 * obligation, a research-scope Consent and an explicit emergency deny), decided over 64 resources
 * of five types and 7 requesters (practitioners, an organization's system client, a CareTeam
 * member, a RelatedPerson, emergency access, a researcher). Each invocation decides the next
 * (requester, resource) pair, so the score is decisions per second. Target: at least 1,000,000/s.
 *
 * <ul>
 *   <li>{@code decide}: the decision alone, on Consents compiled once (as the server caches them).
 *   <li>{@code compile}: compiling the 10 Consents (the cost of a cache miss).
 * </ul>
 *
 * <p>How to run it: bench/README.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConsentBenchmark {

  private static final String PATIENT = "p1";
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String LOINC = "http://loinc.org";
  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  private static final String[] LABELS = {"PSY", "ETH", "HIV", "SEX", "N", "R"};

  private ConsentEngine engine;
  private List<Consent> consents;
  private PatientConsents compiled;
  private Resource[] resources;
  private Requester[] requesters;
  private int resourceCursor;
  private int requesterCursor;

  @Setup(Level.Trial)
  public void setUp() {
    engine =
        new ConsentEngine(
            ConsentPolicy.defaults(),
            Clock.fixed(Instant.parse("2025-06-15T12:00:00Z"), ZoneOffset.UTC));
    consents = consents();
    compiled = engine.compile(PATIENT, consents);
    if (compiled.size() != 10) {
      throw new IllegalStateException("expected 10 active Consents, compiled " + compiled.size());
    }
    resources = resources();
    requesters = requesters();
  }

  @Benchmark
  public Decision decide() {
    Resource resource = resources[resourceCursor];
    resourceCursor = resourceCursor + 1 == resources.length ? 0 : resourceCursor + 1;
    Requester requester = requesters[requesterCursor];
    // 64 resources, 7 requesters: coprime strides, so every pair comes up
    requesterCursor = requesterCursor + 1 == requesters.length ? 0 : requesterCursor + 1;
    return engine.decide(requester, resource, compiled);
  }

  @Benchmark
  public PatientConsents compile() {
    return engine.compile(PATIENT, consents);
  }

  private static List<Consent> consents() {
    List<Consent> result = new ArrayList<>();
    // 1: everything, except psychiatry, which only Practitioner/7 sees
    result.add(
        consent(
            "c1",
            "2024-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT)
                .addProvision(
                    provision(ConsentProvisionType.DENY)
                        .addSecurityLabel(label("PSY"))
                        .addProvision(
                            actor(provision(ConsentProvisionType.PERMIT), "Practitioner/7")))));
    // 2: not Organization/66
    result.add(
        consent(
            "c2",
            "2023-03-01",
            "patient-privacy",
            actor(provision(ConsentProvisionType.DENY), "Organization/66")));
    // 3: no opioid prescriptions
    result.add(
        consent(
            "c3",
            "2023-05-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT)
                .addProvision(
                    provision(ConsentProvisionType.DENY)
                        .addClass_(
                            new Coding(
                                "http://hl7.org/fhir/resource-types", "MedicationRequest", null))
                        .addCode(new CodeableConcept(new Coding(RXNORM, "1049502", null))))));
    // 4: data of 2010-2012 hidden except from CareTeam/5
    result.add(
        consent(
            "c4",
            "2022-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.DENY)
                .setDataPeriod(period("2010-01-01", "2012-12-31"))
                .addProvision(actor(provision(ConsentProvisionType.PERMIT), "CareTeam/5"))));
    // 5: 2020-2030, HIV and substance abuse denied
    result.add(
        consent(
            "c5",
            "2021-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT)
                .setPeriod(period("2020-01-01", "2030-12-31"))
                .addProvision(provision(ConsentProvisionType.DENY).addSecurityLabel(label("HIV")))
                .addProvision(
                    provision(ConsentProvisionType.DENY).addSecurityLabel(label("ETH")))));
    // 6: a relative sees immunizations only
    result.add(
        consent(
            "c6",
            "2020-06-01",
            "patient-privacy",
            actor(provision(ConsentProvisionType.DENY), "RelatedPerson/2")
                .addProvision(
                    provision(ConsentProvisionType.PERMIT)
                        .addClass_(
                            new Coding(
                                "http://hl7.org/fhir/resource-types", "Immunization", null)))));
    // 7: treatment yes, but depression only for Practitioner/7
    result.add(
        consent(
            "c7",
            "2020-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT)
                .addPurpose(new Coding(ACT_REASON, "TREAT", null))
                .addProvision(
                    provision(ConsentProvisionType.DENY)
                        .addCode(new CodeableConcept(new Coding(SNOMED, "35489007", null)))
                        .addProvision(
                            actor(provision(ConsentProvisionType.PERMIT), "Practitioner/7")))));
    // 8: research yes, sexual health no
    result.add(
        consent(
            "c8",
            "2019-01-01",
            "research",
            provision(ConsentProvisionType.PERMIT)
                .addProvision(
                    provision(ConsentProvisionType.DENY).addSecurityLabel(label("SEX")))));
    // 9: Group/9 sees observations, redacted
    Consent.ProvisionComponent redacted =
        actor(provision(ConsentProvisionType.PERMIT), "Group/9")
            .addClass_(new Coding("http://hl7.org/fhir/resource-types", "Observation", null));
    redacted.addExtension(
        "http://consentry.org/fhir/StructureDefinition/consent-obligation",
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ObligationPolicy", "REDACT", null));
    result.add(
        consent(
            "c9",
            "2018-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT).addProvision(redacted)));
    // 10: no emergency access to encounters
    result.add(
        consent(
            "c10",
            "2017-01-01",
            "patient-privacy",
            provision(ConsentProvisionType.PERMIT)
                .addProvision(
                    provision(ConsentProvisionType.DENY)
                        .addPurpose(new Coding(ACT_REASON, "ETREAT", null))
                        .addClass_(
                            new Coding("http://hl7.org/fhir/resource-types", "Encounter", null)))));
    return result;
  }

  private static Consent consent(
      String id, String date, String scope, Consent.ProvisionComponent root) {
    Consent consent = new Consent();
    consent.setId(id);
    consent.setStatus(Consent.ConsentState.ACTIVE);
    consent.setScope(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/consentscope", scope, null)));
    consent.setPatient(new Reference("Patient/" + PATIENT));
    consent.setDateTimeElement(new DateTimeType(date));
    consent.setProvision(root);
    return consent;
  }

  private static Consent.ProvisionComponent provision(ConsentProvisionType type) {
    return new Consent.ProvisionComponent().setType(type);
  }

  private static Consent.ProvisionComponent actor(
      Consent.ProvisionComponent provision, String reference) {
    provision.addActor().setReference(new Reference(reference));
    return provision;
  }

  private static Coding label(String code) {
    return new Coding(ACT_CODE, code, null);
  }

  private static Period period(String start, String end) {
    return new Period()
        .setStartElement(new DateTimeType(start))
        .setEndElement(new DateTimeType(end));
  }

  private static Resource[] resources() {
    List<Resource> result = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      Resource resource =
          switch (i % 5) {
            case 0, 1 -> observation(i);
            case 2 -> condition(i);
            case 3 -> medication(i);
            default -> i % 2 == 0 ? immunization(i) : encounter(i);
          };
      resource.setId(resource.fhirType() + "/" + i);
      if (i % 3 == 0) {
        resource.getMeta().addSecurity(label(LABELS[i % LABELS.length]));
      }
      result.add(resource);
    }
    return result.toArray(Resource[]::new);
  }

  private static String year(int i) {
    return String.valueOf(2008 + i % 17);
  }

  private static Observation observation(int i) {
    Observation observation = new Observation();
    observation.setCode(
        new CodeableConcept(new Coding(LOINC, i % 2 == 0 ? "8867-4" : "4548-4", null)));
    observation.setEffective(new DateTimeType(year(i) + "-03-0" + (1 + i % 9)));
    observation.addPerformer(new Reference("Practitioner/" + (7 + i % 3)));
    return observation;
  }

  private static Condition condition(int i) {
    Condition condition = new Condition();
    condition.setCode(
        new CodeableConcept(new Coding(SNOMED, i % 4 == 0 ? "35489007" : "38341003", null)));
    condition.setOnset(new DateTimeType(year(i) + "-06-15"));
    return condition;
  }

  private static MedicationRequest medication(int i) {
    MedicationRequest request = new MedicationRequest();
    request.setMedication(
        new CodeableConcept(new Coding(RXNORM, i % 2 == 0 ? "1049502" : "197361", null)));
    request.setAuthoredOnElement(new DateTimeType(year(i) + "-09-01"));
    return request;
  }

  private static Immunization immunization(int i) {
    Immunization immunization = new Immunization();
    immunization.setVaccineCode(
        new CodeableConcept(new Coding("http://hl7.org/fhir/sid/cvx", "08", null)));
    immunization.setOccurrence(new DateTimeType(year(i) + "-01-20"));
    return immunization;
  }

  private static Encounter encounter(int i) {
    Encounter encounter = new Encounter();
    encounter.addType(new CodeableConcept(new Coding(SNOMED, "185349003", null)));
    encounter.setPeriod(period(year(i) + "-02-01", year(i) + "-02-03"));
    return encounter;
  }

  private static Requester[] requesters() {
    return new Requester[] {
      practitioner("TREAT", "Practitioner/7", "Organization/3"),
      practitioner("TREAT", "Practitioner/8", "Organization/3", "CareTeam/5"),
      new Requester(
          Requester.Kind.SYSTEM,
          "ehr-66",
          null,
          null,
          "Organization/66",
          Set.of(),
          Set.of("system/*.read"),
          "TREAT",
          "ehr-66"),
      practitioner("TREAT", "Practitioner/9", "Organization/4", "Group/9"),
      new Requester(
          Requester.Kind.PRACTITIONER,
          "sub-rp",
          null,
          "RelatedPerson/2",
          null,
          Set.of("RelatedPerson/2"),
          Set.of("user/*.read"),
          "TREAT",
          "portal"),
      practitioner("ETREAT", "Practitioner/11", "Organization/5"),
      new Requester(
          Requester.Kind.RESEARCHER,
          "sub-r",
          null,
          "Practitioner/50",
          "Organization/60",
          Set.of(),
          Set.of("system/*.read"),
          "HRESCH",
          "research"),
    };
  }

  private static Requester practitioner(
      String purpose, String fhirUser, String organization, String... teams) {
    return new Requester(
        Requester.Kind.PRACTITIONER,
        "sub-" + fhirUser,
        null,
        fhirUser,
        organization,
        Set.of(teams),
        Set.of("user/*.read"),
        purpose,
        "ehr-app");
  }
}
