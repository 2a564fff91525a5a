package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.storage.NotInOnJoinedIndex;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Consent as part of the query: counts and totals are exact for each requester and match what it
 * can page through (each visible resource once), {@code _has} and chains match only through what it
 * may see, requesters with the same view share HAPI's search cache, and the server's own owner
 * indexes are not offered to clients.
 *
 * <p>Four patients: p1 denies organization A; p2 keeps mental-health data (PSY) for one
 * practitioner only; p3 has no Consent; p4 denies one code to everyone (decided per resource).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentInQueryIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM = "urn:consentry:test";
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  @Autowired private NotInOnJoinedIndex notInOnJoinedIndex;

  private String run;
  private String p1;
  private String p2;
  private String p3;
  private String p4;
  private String orgB;
  private String drA;
  private String drB;
  private String drB2;
  private String drPsy;
  private String rita;
  private String psyDoctor;
  private final List<String> p1Observations = new ArrayList<>();
  private final List<String> p2Psy = new ArrayList<>();
  private String p4Secret;

  @BeforeAll
  void data() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    run = "in-query-" + s;
    String orgA = "Organization/org-qa-" + s;
    orgB = "Organization/org-qb-" + s;
    client().update().resource(new Organization().setName("A").setId(orgA)).execute();
    client().update().resource(new Organization().setName("B").setId(orgB)).execute();
    psyDoctor = "Practitioner/dr-qpsy-" + s;
    for (String practitioner :
        List.of(
            "Practitioner/dr-qa-" + s,
            "Practitioner/dr-qb-" + s,
            "Practitioner/dr-qb2-" + s,
            psyDoctor)) {
      client().update().resource(new Practitioner().setActive(true).setId(practitioner)).execute();
    }
    drA = token("dr-qa-" + s, orgA);
    drB = token("dr-qb-" + s, orgB);
    drB2 = token("dr-qb2-" + s, orgB);
    drPsy = token("dr-qpsy-" + s, orgB);
    rita = userToken("rita-q-" + s, TestKeycloak.users().addResearcher("rita-q-" + s), null);

    p1 = patient();
    p2 = patient();
    p3 = patient();
    p4 = patient();
    for (int i = 0; i < 3; i++) {
      p1Observations.add(observation(p1, null, null));
    }
    observation(p2, null, null);
    observation(p2, null, null);
    p2Psy.add(observation(p2, "PSY", run + "-psy"));
    p2Psy.add(observation(p2, "PSY", run + "-psy"));
    observation(p3, null, null);
    observation(p3, null, null);
    observation(p4, null, null);
    p4Secret = observation(p4, null, run + "-secret");

    consent(ConsentJson.denyActor(p1, orgA));
    consent(ConsentJson.mentalHealthOnlyFor(p2, psyDoctor));
    consent(
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":{"type":"permit","provision":[{"type":"deny","code":[{"coding":[{"system":"%s","code":"%s"}]}]}]}}"""
            .formatted(p4, SYSTEM, run + "-secret"));
  }

  @Test
  void counts_areExactPerRequester_andMatchWhatItPagesThrough() {
    String all = "/Observation?code=" + SYSTEM + "%7C" + run;
    // 11 Observations: p1 3, p2 4 (2 PSY), p3 2, p4 2 (1 with the denied code); p2's PSY data is
    // for the PSY practitioner only (system clients included), p4's code for nobody
    assertThat(count(ehrToken(), all)).as("the EHR: not p2's PSY data, not p4's code").isEqualTo(8);
    assertThat(count(drA, all)).as("organization A: not p1 either").isEqualTo(5);
    assertThat(count(drB, all)).as("organization B").isEqualTo(8);
    assertThat(count(drPsy, all)).as("the PSY practitioner").isEqualTo(10);
    for (String token : List.of(ehrToken(), drA, drB, drPsy)) {
      List<String> paged = pageThrough(token, all + "&_count=3");
      assertThat(new HashSet<>(paged)).as("each visible resource once").hasSameSizeAs(paged);
      assertThat(paged).hasSize(count(token, all));
      assertThat(total(token, all + "&_total=accurate&_count=2")).isEqualTo(count(token, all));
    }
    assertThat(pageThrough(drA, all + "&_count=3")).doesNotContainAnyElementsOf(p1Observations);
    assertThat(pageThrough(drB, all + "&_count=3"))
        .doesNotContainAnyElementsOf(p2Psy)
        .doesNotContain(p4Secret);
  }

  @Test
  void pagesOfASearchWithIncludes_holdEveryVisibleResource_andOnlyVisibleIncludes() {
    String all =
        "/Observation?code=" + SYSTEM + "%7C" + run + "&_count=3&_include=Observation:patient";
    List<String> paged = new ArrayList<>();
    Set<String> included = new HashSet<>();
    String url = all;
    for (int pages = 0; url != null && pages < 10; pages++) {
      HttpResponse<String> response = sendAs(drA, "GET", url, null, null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      for (JsonNode entry : read(response.body()).path("entry")) {
        String id = entry.path("resource").path("id").asText();
        if ("include".equals(entry.path("search").path("mode").asText())) {
          included.add(id);
        } else {
          paged.add(id);
        }
      }
      url = link(response.body(), "next");
    }
    assertThat(paged).as("organization A pages through p2's, p3's and p4's five").hasSize(5);
    assertThat(included)
        .as("their patients are included, never p1, whom organization A may not see")
        .isNotEmpty()
        .doesNotContain(p1);
  }

  @Test
  void exclusionsTakenOnTheIndexRows_keepCountsAndPagesExact() {
    long before = notInOnJoinedIndex.rewritten();
    // a code (and a code no resource has) that no other test searches, so that HAPI's reuse of
    // recent searches does not answer in place of the database
    String byCode =
        "/Observation?code=" + SYSTEM + "%7C" + run + "," + SYSTEM + "%7C" + run + "-no";
    assertThat(count(drA, byCode))
        .as("organization A: not p1, p2's PSY data or p4's code")
        .isEqualTo(5);
    assertThat(notInOnJoinedIndex.rewritten())
        .as("the count's SQL was rewritten")
        .isGreaterThan(before);
    assertThat(count(drPsy, byCode)).isEqualTo(10);
    List<String> paged = pageThrough(drA, byCode + "&_count=2&_sort=-_lastUpdated");
    assertThat(paged)
        .hasSize(5)
        .doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(p1Observations);
    assertThat(pageThrough(drB, "/Observation?patient=" + p2 + "&code=" + SYSTEM + "%7C" + run))
        .as("a patient's search excludes on the link rows")
        .hasSize(2)
        .doesNotContainAnyElementsOf(p2Psy);
  }

  @Test
  void deniedOrganization_countsZero_andPagesThroughNothing() {
    String ofP1 = "/Observation?patient=" + p1;
    assertThat(count(drA, ofP1)).isZero();
    assertThat(pageThrough(drA, ofP1 + "&_count=2")).isEmpty();
    assertThat(count(drB, ofP1)).isEqualTo(3);
    assertThat(count(drA, "/Patient?_id=" + p1 + "," + p2)).isEqualTo(1);
  }

  @Test
  void has_matchesOnlyThroughVisibleResources() {
    String psyPatients =
        "/Patient?_has:Observation:patient:code=" + encode(SYSTEM + "|" + run + "-psy");
    assertThat(ids(drB, psyPatients)).as("p2's PSY Observations are hidden from dr B").isEmpty();
    assertThat(count(drB, psyPatients)).isZero();
    assertThat(ids(drPsy, psyPatients)).containsExactly(p2);
    assertThat(ids(ehrToken(), psyPatients))
        .as("the Consent keeps PSY data from system clients too")
        .isEmpty();

    String withObservations =
        "/Patient?_id="
            + p1
            + ","
            + p3
            + "&_has:Observation:patient:code="
            + encode(SYSTEM + "|" + run);
    assertThat(ids(drA, withObservations)).containsExactly(p3);
    assertThat(ids(drB, withObservations)).containsExactlyInAnyOrder(p1, p3);
  }

  @Test
  void chains_matchOnlyThroughVisibleResources() {
    String ofP1 = "/Observation?patient._id=" + p1 + "&code=" + encode(SYSTEM + "|" + run);
    assertThat(ids(drA, ofP1)).as("p1 is hidden from organization A").isEmpty();
    assertThat(ids(drB, ofP1)).containsExactlyInAnyOrderElementsOf(p1Observations);
    assertThat(count(drB, "/Observation?subject:Patient._id=" + p1 + "," + p3)).isEqualTo(5);
    assertThat(count(drA, "/Observation?subject:Patient._id=" + p1 + "," + p3)).isEqualTo(2);
  }

  @Test
  void requestersWithTheSameView_shareCachedSearches_andTheirPages() {
    String query = "/Observation?code=" + SYSTEM + "%7C" + run + "&_count=2&_sort=_id";
    HttpResponse<String> first = sendAs(drB, "GET", query, null, null);
    HttpResponse<String> second = sendAs(drB2, "GET", query, null, null);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("X-Cache"))
        .as("same view, same cached search")
        .isPresent();
    assertThat(read(second.body()).path("id").asText())
        .isEqualTo(read(first.body()).path("id").asText());
    String next = link(second.body(), "next");
    assertThat(next).isNotNull();
    assertThat(sendAs(drB2, "GET", next, null, null).statusCode())
        .as("its pages too")
        .isEqualTo(200);

    HttpResponse<String> other = sendAs(drA, "GET", query, null, null);
    assertThat(other.headers().firstValue("X-Cache")).as("another view, another search").isEmpty();
    assertThat(sendAs(drA, "GET", next, null, null).statusCode())
        .as("not another view's pages")
        .isEqualTo(410);
  }

  /**
   * HAPI loads a search's results in passes (the first {@code max(13, _count) + 1}, the rest when a
   * later page needs them). A later pass that runs for a page, while a patient of the results
   * denies the requester, must not drop that patient's resources from the search itself: once the
   * patient allows again, the same view reuses the cached search, and its total and pages must be
   * whole.
   */
  @Test
  void aDenialWhilePaging_doesNotShrinkTheCachedSearch() {
    String code = run + "-paging";
    String p5 = patient();
    for (int i = 0; i < 14; i++) {
      observationWithCode(p3, code);
    }
    List<String> p5Observations = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      p5Observations.add(observationWithCode(p5, code));
    }
    String query =
        "/Observation?code="
            + SYSTEM
            + "%7C"
            + code
            + "&_count=5&_sort=_lastUpdated&_total=accurate";
    HttpResponse<String> first = sendAs(drB, "GET", query, null, null);
    assertThat(read(first.body()).path("total").asInt()).isEqualTo(17);

    // p5 denies organization B; drB goes on paging the search it started (the third page needs
    // HAPI's next pass): p5's resources are hidden on those pages
    String denial = consentId(ConsentJson.denyActor(p5, orgB));
    List<String> rest = pageThrough(drB, link(first.body(), "next"));
    assertThat(rest).hasSize(9).doesNotContainAnyElementsOf(p5Observations);
    HttpResponse<String> revoked = send("DELETE", "/Consent/" + denial, null, null);
    assertThat(revoked.statusCode()).as(revoked.body()).isIn(200, 204);

    HttpResponse<String> again = sendAs(drB, "GET", query, null, null);
    assertThat(again.headers().firstValue("X-Cache"))
        .as("the view is the first one again: HAPI reuses that search")
        .isPresent();
    assertThat(read(again.body()).path("total").asInt()).isEqualTo(17);
    assertThat(pageThrough(drB, query)).hasSize(17).containsAll(p5Observations);
  }

  /**
   * A search its own parameters limit to a few patients carries only their part of the view (and
   * that of the other owners of their resources): the same answers as the whole view.
   */
  @Test
  void patientScoped_hiddenPatient_answersExactlyAsAnUnknownOne() {
    String unknown = "unknown-" + run;
    for (String form : List.of("/Observation?patient=%s", "/Observation?subject=Patient/%s")) {
      String hidden = form.formatted(p1);
      String absent = form.formatted(unknown);
      assertThat(withoutIdentity(sendAs(drA, "GET", hidden, null, null)))
          .isEqualTo(withoutIdentity(sendAs(drA, "GET", absent, null, null)));
      assertThat(count(drA, hidden)).isZero();
      assertThat(count(drA, absent)).isZero();
      assertThat(total(drA, hidden + "&_total=accurate&_count=1")).isZero();
      assertThat(count(drB, hidden)).isEqualTo(3);
    }
    assertThat(withoutIdentity(sendAs(drA, "GET", "/Patient?_id=" + p1, null, null)))
        .isEqualTo(withoutIdentity(sendAs(drA, "GET", "/Patient?_id=" + unknown, null, null)));
    assertThat(count(drA, "/Patient?_id=" + p1)).isZero();
    HttpResponse<String> compartment =
        sendAs(drA, "GET", "/Patient/" + p1 + "/Observation", null, null);
    HttpResponse<String> unknownCompartment =
        sendAs(drA, "GET", "/Patient/" + unknown + "/Observation", null, null);
    assertThat(compartment.statusCode())
        .as("HAPI does not offer compartment searches: refused alike")
        .isEqualTo(unknownCompartment.statusCode())
        .isEqualTo(400);
    assertThat(compartment.body()).doesNotContain(p1Observations.get(0));
    assertThat(
            ids(
                drA,
                "/Observation?patient=" + p1 + "," + p3 + "&code=" + encode(SYSTEM + "|" + run)))
        .as("p3's only")
        .hasSize(2)
        .doesNotContainAnyElementsOf(p1Observations);
  }

  @Test
  void patientScoped_psyException_hidesExactlyTheLabelledResources() {
    String ofP2 = "/Observation?patient=" + p2;
    assertThat(ids(drB, ofP2 + "&_count=1")).hasSize(2).doesNotContainAnyElementsOf(p2Psy);
    assertThat(count(drB, ofP2)).isEqualTo(2);
    assertThat(total(drB, ofP2 + "&_total=accurate&_count=1")).isEqualTo(2);
    assertThat(ids(drPsy, ofP2 + "&_count=1")).hasSize(4).containsAll(p2Psy);
    assertThat(count(drPsy, ofP2)).isEqualTo(4);
    assertThat(count(drA, ofP2)).as("organization A is not denied by p2").isEqualTo(2);
    String ofP4 = "/Observation?patient=" + p4;
    assertThat(ids(drB, ofP4)).as("p4's code, decided per resource").doesNotContain(p4Secret);
    assertThat(count(drB, ofP4)).isEqualTo(1);
  }

  /**
   * A resource of several owners is shown only if each allows it: restricted to the patient
   * searched, the view keeps the entries of the other owners of that patient's resources.
   */
  @Test
  void patientScoped_keepsTheConsentsOfOtherOwners() {
    String p7 = patient();
    String p8 = patient();
    String plain = observationWithCode(p7, run + "-shared");
    String withP1 = observationWithPerformer(p7, p1, null);
    String withP8Psy = observationWithPerformer(p7, p8, "PSY");
    consent(ConsentJson.mentalHealthOnlyFor(p8, psyDoctor));
    String ofP7 = "/Observation?patient=" + p7;
    assertThat(ids(drA, ofP7 + "&_count=1"))
        .as("p1 denies organization A, p8 keeps PSY data from it")
        .containsExactly(plain);
    assertThat(count(drA, ofP7)).isEqualTo(1);
    assertThat(ids(drB, ofP7 + "&_count=1"))
        .as("p8 keeps PSY data for its practitioner")
        .containsExactlyInAnyOrder(plain, withP1);
    assertThat(count(drB, ofP7)).isEqualTo(2);
    assertThat(total(drB, ofP7 + "&_total=accurate&_count=1")).isEqualTo(2);
    assertThat(ids(drPsy, ofP7)).containsExactlyInAnyOrder(plain, withP1, withP8Psy);
    assertThat(count(drPsy, ofP7)).isEqualTo(3);
  }

  /**
   * A resource of several patients written after a search of one of them: the next search of that
   * patient keeps the other owner's entries, although the other owners of its resources were read
   * (and kept) before the write.
   */
  @Test
  void patientScoped_aResourceOfSeveralPatientsWrittenLater_keepsItsOtherOwnersConsents() {
    String p9 = patient();
    String own = observationWithCode(p9, run + "-p9");
    assertThat(count(drA, "/Observation?patient=" + p9)).isEqualTo(1);
    observationWithPerformer(p9, p1, null);
    String ofP9 = "/Observation?subject=Patient/" + p9; // another search than the first: run anew
    assertThat(count(drA, ofP9)).as("p1 denies organization A").isEqualTo(1);
    assertThat(total(drA, ofP9 + "&_total=accurate&_count=5")).isEqualTo(1);
    assertThat(ids(drA, ofP9 + "&_count=4")).containsExactly(own);
    assertThat(count(drB, ofP9)).isEqualTo(2);
  }

  /**
   * Views leave out labels that no resource of a type carries: the first resource of the type to
   * carry one is left out of counts and pages at once, for whole-type and patient-scoped searches.
   * The label is this run's own, so no resource of any type carried it before.
   */
  @Test
  void theFirstResourceOfATypeToCarryALabel_isLeftOutAtOnce() {
    String label = run + "-first-label";
    Patient patient = new Patient().setActive(true);
    patient.getMeta().addTag(SYSTEM, run + "-first", null);
    String id = client().create().resource(patient).execute().getId().getIdPart();
    consent(
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":{"type":"permit","provision":[{"type":"deny","securityLabel":[{"system":"%s","code":"%s"}]}]}}"""
            .formatted(id, SYSTEM, label));
    String tagged = "/Patient?_tag=" + SYSTEM + "%7C" + run + "-first";
    String byId = "/Patient?_id=" + id;
    assertThat(count(drB, tagged)).isEqualTo(1);
    assertThat(count(drB, byId)).isEqualTo(1);

    patient.setId(id);
    patient.getMeta().addSecurity(SYSTEM, label, null);
    client().update().resource(patient).execute();
    assertThat(count(drB, tagged)).as("the Patient now carries the denied label").isZero();
    assertThat(pageThrough(drB, tagged)).isEmpty();
    assertThat(total(drB, tagged + "&_total=accurate")).isZero();
    assertThat(count(drB, byId)).as("restricted to that patient").isZero();
    assertThat(count(drA, tagged)).as("denied to every requester").isZero();
  }

  /**
   * {@code $meta-add} and {@code $meta-delete} change labels without a new version: counts and
   * pages follow at once, for a label the type carried before (PSY) and one it never did. Each
   * check after a change is a search not run before: HAPI answers a repeated search from its
   * results of the last minute, whatever was written since.
   */
  @Test
  void labelsChangedInPlace_narrowCountsAtOnce() {
    String p12 = patient();
    consent(ConsentJson.mentalHealthOnlyFor(p12, psyDoctor));
    String psy = observationWithCode(p12, run + "-meta-psy");
    String byCode = "/Observation?code=" + SYSTEM + "%7C" + run + "-meta-psy";
    assertThat(count(drB, byCode)).isEqualTo(1);
    meta(psy, "$meta-add", ACT_CODE, "PSY");
    assertThat(count(drB, byCode + "&status=final"))
        .as("p12 keeps PSY data for its practitioner")
        .isZero();
    assertThat(count(drB, "/Observation?patient=" + p12)).isZero();
    assertThat(pageThrough(drB, byCode + "&subject=Patient/" + p12)).isEmpty();
    assertThat(count(drPsy, byCode)).isEqualTo(1);

    String label = run + "-meta-label";
    String p13 = patient();
    String own = observationWithCode(p13, run + "-meta-new");
    consent(
        """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":{"type":"permit","provision":[{"type":"deny",
				   "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				             "reference":{"reference":"%s"}}],
				   "securityLabel":[{"system":"%s","code":"%s"}]}]}}"""
            .formatted(p13, orgB, SYSTEM, label));
    String newCode = "/Observation?code=" + SYSTEM + "%7C" + run + "-meta-new";
    assertThat(count(drB, newCode)).isEqualTo(1);
    meta(own, "$meta-add", SYSTEM, label);
    assertThat(count(drB, newCode + "&status=final"))
        .as("a label no Observation carried before")
        .isZero();
    assertThat(count(drB, "/Observation?patient=" + p13)).isZero();
    assertThat(count(drA, newCode)).as("kept from organization B only").isEqualTo(1);
    meta(own, "$meta-delete", SYSTEM, label);
    String bySubject = "/Observation?subject=Patient/" + p13;
    assertThat(count(drB, bySubject)).as("the label removed in place").isEqualTo(1);
    assertThat(pageThrough(drB, bySubject + "&code=" + SYSTEM + "%7C" + run + "-meta-new"))
        .containsExactly(own);
  }

  private void meta(String observation, String operation, String system, String code) {
    HttpResponse<String> response =
        send(
            "POST",
            "/Observation/" + observation + "/" + operation,
            "application/fhir+json",
            """
				{"resourceType":"Parameters","parameter":[{"name":"meta",
				 "valueMeta":{"security":[{"system":"%s","code":"%s"}]}}]}"""
                .formatted(system, code));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void requestersSharingARestrictedView_shareItsSearch_andNothingElse() {
    String p6 = patient();
    List<String> p6Observations =
        List.of(observationWithCode(p6, run + "-p6"), observationWithCode(p6, run + "-p6"));
    String ofP6 = "/Observation?patient=" + p6 + "&_count=1&_sort=_id";
    HttpResponse<String> byB = sendAs(drB, "GET", ofP6, null, null);
    HttpResponse<String> byA = sendAs(drA, "GET", ofP6, null, null);
    assertThat(byA.headers().firstValue("X-Cache"))
        .as("their whole views differ (p1), not as restricted to p6")
        .isPresent();
    assertThat(read(byA.body()).path("id").asText())
        .isEqualTo(read(byB.body()).path("id").asText());
    assertThat(pageThrough(drA, ofP6)).containsExactlyInAnyOrderElementsOf(p6Observations);

    String ofP1 = "/Observation?patient=" + p1 + "&_count=1&_sort=_id";
    assertThat(pageThrough(drB, ofP1)).hasSize(3);
    HttpResponse<String> hidden = sendAs(drA, "GET", ofP1, null, null);
    assertThat(hidden.headers().firstValue("X-Cache")).as("p1 is hidden from A").isEmpty();
    assertThat(read(hidden.body()).path("entry").size()).isZero();

    String ofP2 = "/Observation?patient=" + p2 + "&_count=1&_sort=_id";
    assertThat(pageThrough(drPsy, ofP2)).hasSize(4);
    HttpResponse<String> labelled = sendAs(drB, "GET", ofP2, null, null);
    assertThat(labelled.headers().firstValue("X-Cache")).as("p2's PSY data is not B's").isEmpty();
    assertThat(pageThrough(drB, ofP2)).hasSize(2).doesNotContainAnyElementsOf(p2Psy);
  }

  @Test
  void links_showTheClientsOwnSearch_neverTheView() {
    String query =
        "/Patient?_has:Observation:patient:code="
            + encode(SYSTEM + "|" + run + "-psy")
            + "&_count=1";
    String body = sendAs(drA, "GET", query, null, null).body();
    assertThat(link(body, "self"))
        .contains("_has")
        .doesNotContain("consentry-owner")
        .doesNotContain(p1);
    String counted =
        sendAs(
                drA,
                "GET",
                "/Observation?code=" + SYSTEM + "%7C" + run + "&_summary=count",
                null,
                null)
            .body();
    assertThat(counted).doesNotContain("consentry-owner").doesNotContain(p1).doesNotContain(p2);
  }

  @Test
  void ownerIndexes_areNotOfferedToClients_andLinkedTypesPassTheDoor() {
    HttpResponse<String> owner =
        sendAs(ehrToken(), "GET", "/Observation?consentry-owner=" + p1, null, null);
    assertThat(owner.statusCode()).isEqualTo(400);
    assertThat(owner.body()).contains("consentry-owner");
    HttpResponse<String> label =
        sendAs(drB, "GET", "/Observation?consentry-owner-label:not=x", null, null);
    assertThat(label.statusCode()).isEqualTo(400);
    HttpResponse<String> researcher =
        sendAs(rita, "GET", "/Organization?_has:Patient:organization:_id=" + p1, null, null);
    assertThat(researcher.statusCode())
        .as("researchers do not search patient data, not even through _has")
        .isEqualTo(403);
    HttpResponse<String> notAReference =
        sendAs(drB, "GET", "/Observation?code.system=x", null, null);
    assertThat(notAReference.statusCode()).isEqualTo(400);
  }

  // ---- helpers

  private String token(String username, String organization) {
    String password =
        TestKeycloak.users().addPractitioner(username, "Practitioner/" + username, organization);
    return userToken(username, password, null);
  }

  private String patient() {
    return client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private String observation(String patient, String label, String extraCode) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(SYSTEM).setCode(run);
    if (extraCode != null) {
      observation.getCode().addCoding().setSystem(SYSTEM).setCode(extraCode);
    }
    if (label != null) {
      observation.getMeta().addSecurity(new Coding(ACT_CODE, label, null));
    }
    observation.setSubject(new Reference("Patient/" + patient));
    return client().create().resource(observation).execute().getId().getIdPart();
  }

  private String observationWithPerformer(String patient, String performer, String label) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(SYSTEM).setCode(run + "-shared");
    if (label != null) {
      observation.getMeta().addSecurity(new Coding(ACT_CODE, label, null));
    }
    observation.setSubject(new Reference("Patient/" + patient));
    observation.addPerformer(new Reference("Patient/" + performer));
    return client().create().resource(observation).execute().getId().getIdPart();
  }

  /** The answer without what differs between any two answers: its id, meta and links. */
  private static JsonNode withoutIdentity(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    com.fasterxml.jackson.databind.node.ObjectNode bundle =
        (com.fasterxml.jackson.databind.node.ObjectNode) read(response.body());
    bundle.remove(List.of("id", "meta", "link"));
    return bundle;
  }

  private String observationWithCode(String patient, String code) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(SYSTEM).setCode(code);
    observation.setSubject(new Reference("Patient/" + patient));
    return client().create().resource(observation).execute().getId().getIdPart();
  }

  private String consentId(String json) {
    HttpResponse<String> created = send("POST", "/Consent", "application/fhir+json", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return read(created.body()).path("id").asText();
  }

  private void consent(String json) {
    HttpResponse<String> created = send("POST", "/Consent", "application/fhir+json", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private int count(String token, String query) {
    Integer total = total(token, query + (query.contains("?") ? "&" : "?") + "_summary=count");
    assertThat(total).as("a count always has a total").isNotNull();
    return total;
  }

  private Integer total(String token, String query) {
    HttpResponse<String> response = sendAs(token, "GET", query, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode total = read(response.body()).path("total");
    return total.isMissingNode() ? null : total.asInt();
  }

  private List<String> ids(String token, String query) {
    return pageThrough(token, query);
  }

  /** Every resource id over all pages, following next links. */
  private List<String> pageThrough(String token, String query) {
    List<String> ids = new ArrayList<>();
    String url = query;
    for (int pages = 0; url != null && pages < 50; pages++) {
      HttpResponse<String> response = sendAs(token, "GET", url, null, null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode bundle = read(response.body());
      for (JsonNode entry : bundle.path("entry")) {
        if (!"include".equals(entry.path("search").path("mode").asText())) {
          ids.add(entry.path("resource").path("id").asText());
        }
      }
      url = link(response.body(), "next");
    }
    return ids;
  }

  private static String link(String body, String relation) {
    for (JsonNode link : read(body).path("link")) {
      if (relation.equals(link.path("relation").asText())) {
        return link.path("url").asText();
      }
    }
    return null;
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
