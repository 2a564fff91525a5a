package org.consentry.server.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Research exports end to end, as a researcher gets them: consent decided at every run (opt-in,
 * study-specific opt-in, a category kept out, revocation, erasure), the output de-identified
 * (nothing identifying of the population found, references resolved inside the export, pseudonyms
 * stable within a study and different between studies, dates of a limited data set kept), the
 * reports in the manifest, and who may run what.
 */
class ResearchExportIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REFERENCE = Pattern.compile("\"reference\":\"([^\"]+)\"");

  private ResearchPopulation population;
  private ResearchExportClient exports;
  private String rita;
  private String ritaToken;

  @BeforeEach
  void population() {
    population = new ResearchPopulation(client());
    exports = new ResearchExportClient(base());
    rita = "rita-x-" + UUID.randomUUID().toString().substring(0, 8);
    ritaToken = userToken(rita, TestKeycloak.users().addResearcher(rita), null);
  }

  @Test
  void threeOfTenOptIn_exportHoldsThoseThree_deidentified_withoutTheExcludedCategory()
      throws Exception {
    String study = population.study(rita, "safe-harbor", 1);
    optIn(0, study, false);
    optIn(1, null, false); // all studies
    optIn(2, study, true); // this study, but no mental-health data

    ResearchExportClient.Export export =
        exports.run("/ResearchStudy/" + study + "/$export", ritaToken);

    assertThat(export.cohort("eligible")).isEqualTo(10);
    assertThat(export.cohort("consented")).isEqualTo(3);
    assertThat(export.cohort("released")).isEqualTo(3);
    assertThat(export.of("Patient")).hasSize(3);
    assertThat(export.of("Observation")).hasSize(6);
    assertThat(export.of("Condition").stream().filter(l -> l.contains("73595000")))
        .as("the third kept mental-health data out")
        .hasSize(2);
    assertThat(export.of("Condition")).hasSize(5);
    assertThat(export.of("ServiceRequest"))
        .as("the third's ServiceRequest is exported, without its reason: the hidden Condition")
        .hasSize(3)
        .filteredOn(l -> !l.contains("reasonReference"))
        .hasSize(1);
    String all = String.join("\n", export.all());
    assertThat(population.identifying)
        .as("nothing identifying of the population is in the export")
        .allSatisfy(value -> assertThat(all).doesNotContain(value));
    assertThat(all)
        .doesNotContainPattern("\\d{3}-\\d{2}-\\d{4}")
        .doesNotContainPattern("\"\\d{4}-\\d{2}-\\d{2}")
        .doesNotContain("@example.org")
        .doesNotContain("Practitioner/");
    assertThat(outsideReferences(export))
        .as("every reference resolves inside the export")
        .isEmpty();
    assertThat(export.research().path("riskReportText").asText()).contains("k=1");
    assertThat(export.research().path("representativenessReportText").asText())
        .contains("eligible population");
    assertThat(export.research().path("riskReport").path("records").asInt()).isEqualTo(3);
  }

  @Test
  void consentIsDecidedAtEveryRun_revocationAndErasureLeaveTheNextRun() throws Exception {
    String study = population.study(rita, "safe-harbor", 1);
    Consent first = optIn(0, study, false);
    optIn(1, study, false);
    optIn(2, study, false);
    optIn(3, "some-other-study", false); // for another study only: not this one
    optOut(4); // a research deny

    assertThat(exports.run("/ResearchStudy/" + study + "/$export", ritaToken).cohort("released"))
        .isEqualTo(3);
    assertThat(disclosures(0)).as("a disclosure is recorded for a released patient").isEqualTo(1);
    assertThat(disclosures(4)).as("and none for a patient who is not exported").isZero();

    first.setStatus(Consent.ConsentState.INACTIVE);
    client().update().resource(first).execute();
    ResearchExportClient.Export second =
        exports.run("/ResearchStudy/" + study + "/$export", ritaToken);
    assertThat(second.cohort("released")).isEqualTo(2);
    assertThat(second.of("Patient")).hasSize(2);

    client()
        .operation()
        .onInstance("Patient/" + population.patients.get(1))
        .named("$erase")
        .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
        .execute();
    ResearchExportClient.Export third =
        exports.run("/ResearchStudy/" + study + "/$export", ritaToken);
    assertThat(third.cohort("released")).isEqualTo(1);
    assertThat(third.cohort("erased")).isEqualTo(1);
    assertThat(third.of("Patient")).hasSize(1);
  }

  @Test
  void pseudonymsAreStableWithinAStudy_unlinkableAcrossStudies_limitedDataSetKeepsDates()
      throws Exception {
    String one = population.study(rita, "limited-data-set", 1);
    String two = population.study(rita, "limited-data-set", 1);
    optIn(0, null, false);

    Set<String> firstRun = ids(exports.run("/ResearchStudy/" + one + "/$export", ritaToken));
    ResearchExportClient.Export again =
        exports.run("/ResearchStudy/" + one + "/$export", ritaToken);
    Set<String> otherStudy = ids(exports.run("/ResearchStudy/" + two + "/$export", ritaToken));

    assertThat(ids(again)).isEqualTo(firstRun);
    assertThat(otherStudy).doesNotContainAnyElementsOf(firstRun);
    List<java.time.OffsetDateTime> times =
        again.of("Observation").stream().map(this::effective).sorted().toList();
    assertThat(times).hasSize(2);
    assertThat(java.time.Duration.between(times.get(0), times.get(1)))
        .as("the 10 days 12 h 15 min between the two measurements")
        .isEqualTo(java.time.Duration.ofDays(10).plusHours(12).plusMinutes(15));
    assertThat(times.get(0))
        .as("a limited data set keeps dates as they are")
        .isEqualTo(java.time.OffsetDateTime.parse("2024-05-01T08:30:00Z"));
  }

  @Test
  void aCohortBelowK_releasesNobody_andTheRiskReportSaysWhy() throws Exception {
    String study = population.study(rita, "safe-harbor", 5);
    optIn(0, study, false);
    optIn(1, study, false);
    optIn(2, study, false);

    ResearchExportClient.Export export =
        exports.run("/ResearchStudy/" + study + "/$export", ritaToken);

    assertThat(export.cohort("consented")).isEqualTo(3);
    assertThat(export.cohort("released")).isZero();
    assertThat(export.all()).isEmpty();
    assertThat(export.research().path("riskReport").path("status").asText())
        .isEqualTo("NOT_REACHED");
    assertThat(export.research().path("riskReportText").asText()).contains("k=5");
  }

  @Test
  void theCohortGroupNamesTheStudy_andOnlyTheStudysResearchersExport() throws Exception {
    String study = population.study(rita, "safe-harbor", 1);
    optIn(0, study, false);

    ResearchExportClient.Export byGroup =
        exports.run("/Group/" + population.groupId + "/$export?_type=Patient", ritaToken);
    assertThat(byGroup.lines().keySet()).containsExactly("Patient");
    assertThat(byGroup.of("Patient")).hasSize(1);
    assertThat(byGroup.research().path("study").asText()).isEqualTo("ResearchStudy/" + study);

    String ron = "ron-x-" + UUID.randomUUID().toString().substring(0, 8);
    String ronToken = userToken(ron, TestKeycloak.users().addResearcher(ron), null);
    assertThat(exports.kickOff("/ResearchStudy/" + study + "/$export", ronToken).statusCode())
        .isEqualTo(403);
    assertThat(exports.kickOff("/Group/" + population.groupId + "/$export", ronToken).statusCode())
        .isEqualTo(403);
    HttpResponse<String> missing =
        exports.kickOff("/ResearchStudy/no-such-study/$export", ronToken);
    HttpResponse<String> noStudy = exports.kickOff("/Group/no-such-group/$export", ronToken);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(noStudy.statusCode()).isEqualTo(404);
    assertThat(exports.kickOff("/$export", ritaToken).statusCode()).isEqualTo(403);
    assertThat(exports.kickOff("/Patient/$export", ritaToken).statusCode()).isEqualTo(403);
    assertThat(
            exports
                .kickOff("/ResearchStudy/" + study + "/$export?_type=Practitioner", ritaToken)
                .statusCode())
        .isEqualTo(400);
    assertThat(exports.kickOff("/ResearchStudy/" + study + "/$export", ehrToken()).statusCode())
        .as("research exports are for researchers; EHR systems export identified data elsewhere")
        .isEqualTo(403);
    String file = byGroup.manifest().get("output").get(0).get("url").asText();
    assertThat(
            ResearchExportClient.get(file, ronToken, "application/fhir+ndjson", false).statusCode())
        .as("another researcher cannot download the files")
        .isIn(403, 404);
  }

  @Test
  void aCohortByCriteria_holdsThePatientsWhoMatchThem() throws Exception {
    String study = population.study(rita, "safe-harbor", 1, population.criteriaGroup());
    optIn(0, study, false);
    optIn(1, study, false);
    optIn(5, study, false); // opted in, but does not match the criteria

    ResearchExportClient.Export export =
        exports.run("/ResearchStudy/" + study + "/$export?_type=Patient", ritaToken);

    assertThat(export.cohort("eligible")).isEqualTo(4);
    assertThat(export.cohort("consented")).isEqualTo(2);
    assertThat(export.of("Patient")).hasSize(2);
  }

  private Consent optIn(int patient, String study, boolean withoutMentalHealth) {
    Consent consent = researchConsent(patient, Consent.ConsentProvisionType.PERMIT);
    Consent.ProvisionComponent provision = consent.getProvision();
    if (study != null) {
      provision.addExtension(
          "http://hl7.org/fhir/StructureDefinition/consent-ResearchStudyContext",
          new org.hl7.fhir.r4.model.Reference("ResearchStudy/" + study));
    }
    if (withoutMentalHealth) {
      provision
          .addProvision()
          .setType(Consent.ConsentProvisionType.DENY)
          .addSecurityLabel()
          .setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode")
          .setCode("PSY");
    }
    return create(consent);
  }

  private void optOut(int patient) {
    create(researchConsent(patient, Consent.ConsentProvisionType.DENY));
  }

  private Consent researchConsent(int patient, Consent.ConsentProvisionType type) {
    Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE);
    consent
        .getScope()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/consentscope")
        .setCode("research");
    consent.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
    consent.setPatient(
        new org.hl7.fhir.r4.model.Reference("Patient/" + population.patients.get(patient)));
    consent.setDateTime(new java.util.Date());
    consent
        .getProvision()
        .setType(type)
        .addPurpose()
        .setSystem("http://terminology.hl7.org/CodeSystem/v3-ActReason")
        .setCode("HRESCH");
    return consent;
  }

  private Consent create(Consent consent) {
    return (Consent) client().create().resource(consent).execute().getResource();
  }

  /** The disclosure AuditEvents of a patient of the population, as an auditor finds them. */
  private int disclosures(int patient) {
    org.hl7.fhir.r4.model.Bundle trail =
        client(auditorToken())
            .search()
            .byUrl("AuditEvent?patient=Patient/" + population.patients.get(patient) + "&_count=500")
            .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
            .execute();
    int found = 0;
    for (org.hl7.fhir.r4.model.Bundle.BundleEntryComponent entry : trail.getEntry()) {
      org.hl7.fhir.r4.model.AuditEvent event =
          (org.hl7.fhir.r4.model.AuditEvent) entry.getResource();
      if ("110106".equals(event.getType().getCode())) {
        found++;
      }
    }
    return found;
  }

  /** References that name no resource of the export. */
  private static List<String> outsideReferences(ResearchExportClient.Export export)
      throws Exception {
    Set<String> ids = new HashSet<>();
    for (String line : export.all()) {
      JsonNode resource = JSON.readTree(line);
      ids.add(resource.get("resourceType").asText() + "/" + resource.get("id").asText());
    }
    List<String> outside = new java.util.ArrayList<>();
    for (String line : export.all()) {
      Matcher matcher = REFERENCE.matcher(line);
      while (matcher.find()) {
        if (!ids.contains(matcher.group(1)) && !matcher.group(1).startsWith("#")) {
          outside.add(matcher.group(1));
        }
      }
    }
    return outside;
  }

  private static Set<String> ids(ResearchExportClient.Export export) throws Exception {
    Set<String> ids = new HashSet<>();
    for (String line : export.all()) {
      ids.add(JSON.readTree(line).get("id").asText());
    }
    return ids;
  }

  private java.time.OffsetDateTime effective(String line) {
    try {
      return java.time.OffsetDateTime.parse(JSON.readTree(line).get("effectiveDateTime").asText());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
