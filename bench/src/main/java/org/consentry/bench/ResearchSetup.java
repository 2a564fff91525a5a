package org.consentry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Sets up a research study over a {@link Population} already loaded by {@code Bench populate}, as
 * the EHR system client, in transaction Bundles of {@code PUT}s: the cohort {@code Group} listing
 * every patient of the population, the {@code ResearchStudy} (active, enrolling that Group, with
 * its de-identification profile, k and researcher), and a research {@code Consent} opting in each
 * of a share of the patients, for this study only. Writing it again updates the same resources.
 */
final class ResearchSetup {

  static final String PROFILE_URL =
      "http://consentry.org/fhir/StructureDefinition/research-deid-profile";
  static final String K_URL = "http://consentry.org/fhir/StructureDefinition/research-k-anonymity";
  static final String RESEARCHER_URL =
      "http://consentry.org/fhir/StructureDefinition/research-researcher";
  static final String STUDY_CONTEXT_URL =
      "http://hl7.org/fhir/StructureDefinition/consent-ResearchStudyContext";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9.-]{1,40}");

  /**
   * What to set up.
   *
   * @param studyId the bare id of the ResearchStudy (its cohort is {@code Group/<studyId>-cohort},
   *     its Consents {@code Consent/<studyId>-optin-p<index>})
   * @param profile {@code safe-harbor} or {@code limited-data-set}
   * @param k the k of the study's risk report
   * @param researcher the user name of the researcher the study names
   * @param optInPercent the share of the population that opts in, 0 to 100
   */
  record Settings(
      String studyId, String profile, int k, String researcher, int optInPercent, int bundleSize) {

    Settings {
      if (!ID.matcher(studyId).matches()) {
        throw new IllegalArgumentException(
            "--study wants a FHIR id of 1 to 40 letters, digits, - and ., not " + studyId);
      }
      if (!profile.equals("safe-harbor") && !profile.equals("limited-data-set")) {
        throw new IllegalArgumentException(
            "--profile wants safe-harbor or limited-data-set, not " + profile);
      }
      if (researcher.isBlank()) {
        throw new IllegalArgumentException("--researcher must not be empty");
      }
    }

    String groupId() {
      return studyId + "-cohort";
    }
  }

  private final FhirClient fhir;
  private final Population population;
  private final Settings settings;

  ResearchSetup(FhirClient fhir, Population population, Settings settings) {
    this.fhir = fhir;
    this.population = population;
    this.settings = settings;
  }

  /**
   * The indexes of the patients who opt in: {@code round(patients * percent / 100)} of them, drawn
   * by the seed, in index order (all of them at 100).
   */
  static List<Integer> optedIn(int patients, int percent, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < patients; i++) {
      order.add(i);
    }
    int count = (int) Math.round(patients * percent / 100.0);
    if (count < patients) {
      Collections.shuffle(order, new Random(seed * 7_919L + 17));
    }
    List<Integer> chosen = new ArrayList<>(order.subList(0, count));
    Collections.sort(chosen);
    return chosen;
  }

  /** The cohort: a Group of the patients (by bare id) as its members. */
  static ObjectNode group(Settings settings, List<String> patientIds) {
    ObjectNode group = resource("Group", settings.groupId());
    group.put("type", "person").put("actual", true);
    group.put("name", "Cohort of ResearchStudy/" + settings.studyId() + " (bench)");
    group.put("quantity", patientIds.size());
    ArrayNode members = group.putArray("member");
    for (String id : patientIds) {
      members.addObject().putObject("entity").put("reference", "Patient/" + id);
    }
    return group;
  }

  /** The study: active, enrolling the cohort Group, with profile, k and researcher. */
  static ObjectNode study(Settings settings) {
    ObjectNode study = resource("ResearchStudy", settings.studyId());
    ArrayNode extensions = study.putArray("extension");
    extensions.addObject().put("url", PROFILE_URL).put("valueCode", settings.profile());
    extensions.addObject().put("url", K_URL).put("valueInteger", settings.k());
    extensions.addObject().put("url", RESEARCHER_URL).put("valueString", settings.researcher());
    study.put("status", "active");
    study.put("title", "Bench research export (" + settings.studyId() + ")");
    study.putArray("enrollment").addObject().put("reference", "Group/" + settings.groupId());
    return study;
  }

  /**
   * A patient's opt-in: an active research Consent permitting research (purpose HRESCH) for this
   * study only.
   */
  static ObjectNode consent(Settings settings, int index, String patientId) {
    ObjectNode consent = resource("Consent", settings.studyId() + "-optin-p" + index);
    consent.put("status", "active");
    coding(
        consent.putObject("scope"),
        "http://terminology.hl7.org/CodeSystem/consentscope",
        "research");
    coding(consent.putArray("category").addObject(), "http://loinc.org", "59284-0");
    consent.putObject("patient").put("reference", "Patient/" + patientId);
    consent.put("dateTime", "2026-01-01T00:00:00Z");
    coding(consent.putObject("policyRule"), Population.ACT_CODE, "OPTIN");
    ObjectNode provision = consent.putObject("provision");
    provision
        .putArray("extension")
        .addObject()
        .put("url", STUDY_CONTEXT_URL)
        .putObject("valueReference")
        .put("reference", "ResearchStudy/" + settings.studyId());
    provision.put("type", "permit");
    provision
        .putArray("purpose")
        .addObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/v3-ActReason")
        .put("code", "HRESCH");
    return consent;
  }

  Map<String, Object> run() {
    requirePatient(0);
    requirePatient(population.patients() - 1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < population.patients(); i++) {
      ids.add(population.patientId(i));
    }
    long start = System.nanoTime();
    PopulateBench.transaction(
        fhir, List.of(group(settings, ids), study(settings)), "the cohort Group and the study");
    double studySeconds = (System.nanoTime() - start) / 1e9;

    List<Integer> optedIn =
        optedIn(population.patients(), settings.optInPercent(), population.seed());
    List<ObjectNode> consents = new ArrayList<>();
    for (int index : optedIn) {
      consents.add(consent(settings, index, population.patientId(index)));
    }
    long consentStart = System.nanoTime();
    int bundles = 0;
    for (int from = 0; from < consents.size(); from += settings.bundleSize()) {
      List<ObjectNode> part =
          consents.subList(from, Math.min(consents.size(), from + settings.bundleSize()));
      PopulateBench.transaction(fhir, new ArrayList<>(part), "research consents");
      bundles++;
    }
    double consentSeconds = (System.nanoTime() - consentStart) / 1e9;

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("study", "ResearchStudy/" + settings.studyId());
    figures.put("cohort", "Group/" + settings.groupId());
    figures.put("profile", settings.profile());
    figures.put("k", settings.k());
    figures.put("researcher", settings.researcher());
    figures.put("patients", population.patients());
    figures.put("seed", population.seed());
    figures.put("optInPercent", settings.optInPercent());
    figures.put("consents", consents.size());
    figures.put("consentBundles", bundles);
    figures.put("studySeconds", round1(studySeconds));
    figures.put("consentSeconds", round1(consentSeconds));
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "ResearchStudy/%s (%s, k=%d, researcher %s): cohort of %,d patients (seed %d),"
                + " %,d opt in (%d%%): %,d Consents in %.1f s (%d Bundles)",
            settings.studyId(),
            settings.profile(),
            settings.k(),
            settings.researcher(),
            population.patients(),
            population.seed(),
            optedIn.size(),
            settings.optInPercent(),
            consents.size(),
            consentSeconds,
            bundles));
    System.out.println("research-setup: " + figures.get("summary"));
    return figures;
  }

  private void requirePatient(int index) {
    String reference = "Patient/" + population.patientId(index);
    FhirClient.Answer answer = fhir.get(reference);
    if (answer.status() != 200) {
      throw new BenchException(
          "GET "
              + reference
              + " answered "
              + answer.status()
              + ": load the population first (Bench populate with the same --patients and --seed,"
              + " as the EHR client)");
    }
  }

  private static ObjectNode resource(String type, String id) {
    return JSON.createObjectNode().put("resourceType", type).put("id", id);
  }

  private static void coding(ObjectNode concept, String system, String code) {
    concept.putArray("coding").addObject().put("system", system).put("code", code);
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
