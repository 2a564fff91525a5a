package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a {@link Population} into a fresh server as the EHR system client: the directory
 * (Organizations, Practitioners), then Patients with their Observations in transaction Bundles of
 * about {@code bundleSize} entries (a patient's record is not split while it fits in one Bundle),
 * then the Consents, also in transactions. Every entry is a {@code PUT} of an id derived from the
 * seed. Then it reads back one PSY Observation to check that the server labelled it, and prints
 * what it created and what each benchmark requester should count.
 */
final class PopulateBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HEART_RATE = "8867-4";
  static final String PHQ9_SCORE = "44261-6";

  private final FhirClient fhir;
  private final Population population;
  private final int bundleSize;

  PopulateBench(FhirClient fhir, Population population, int bundleSize) {
    this.fhir = fhir;
    this.population = population;
    this.bundleSize = bundleSize;
  }

  Map<String, Object> run() {
    refuseIfLoaded();
    System.out.printf(
        Locale.ROOT,
        "populate: %,d patients x %,d observations, seed %d, into %s%n",
        population.patients(),
        population.observationsPerPatient(),
        population.seed(),
        fhir.base());
    transaction(new ArrayList<>(population.directory()), "directory");

    VisibleCounts counts = new VisibleCounts();
    List<ObjectNode> entries = new ArrayList<>();
    int bundles = 0;
    long resources = 0;
    int psy = 0;
    int eth = 0;
    String labelProbe = null;
    long start = System.nanoTime();
    for (int i = 0; i < population.patients(); i++) {
      Population.PatientRecord record = population.patient(i);
      int size = 1 + record.observations().size();
      if (!entries.isEmpty() && entries.size() + size > bundleSize && size <= bundleSize) {
        resources += flush(entries, ++bundles, start, resources);
      }
      entries.add(record.patient());
      for (ObjectNode obs : record.observations()) {
        if (entries.size() >= bundleSize) {
          resources += flush(entries, ++bundles, start, resources);
        }
        entries.add(obs);
        if (labelProbe == null
            && !population.deniesLabel(i)
            && !population.deniesOrganization(i)
            && VisibleCounts.isPsy(obs.path("code").path("coding").path(0).path("code").asText())) {
          labelProbe = "Observation/" + obs.get("id").asText();
        }
      }
      counts.add(record, population.deniesOrganization(i), population.deniesLabel(i));
      psy += record.psy();
      eth += record.eth();
    }
    if (!entries.isEmpty()) {
      resources += flush(entries, ++bundles, start, resources);
    }
    double dataSeconds = (System.nanoTime() - start) / 1e9;

    long consentStart = System.nanoTime();
    List<ObjectNode> consents = new ArrayList<>();
    int consentBundles = 0;
    for (int i = 0; i < population.patients(); i++) {
      consents.addAll(population.consents(i));
    }
    int consentCount = consents.size();
    for (int from = 0; from < consents.size(); from += bundleSize) {
      transaction(
          new ArrayList<>(consents.subList(from, Math.min(consents.size(), from + bundleSize))),
          "consents");
      consentBundles++;
    }
    double consentSeconds = (System.nanoTime() - consentStart) / 1e9;
    String labels = labelProbe == null ? "no PSY Observation to check" : labelsOf(labelProbe);

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("patients", population.patients());
    figures.put("observationsPerPatient", population.observationsPerPatient());
    figures.put("seed", population.seed());
    figures.put("tag", Population.TAG_SYSTEM + "|" + population.tag());
    figures.put("resources", resources);
    figures.put("bundles", bundles);
    figures.put("bundleSize", bundleSize);
    figures.put("dataSeconds", round1(dataSeconds));
    figures.put("resourcesPerSecond", round1(resources / dataSeconds));
    figures.put("psyObservations", psy);
    figures.put("ethObservations", eth);
    figures.put("observationsByCode", counts.byCode());
    figures.put("consents", consentCount);
    figures.put("consentBundles", consentBundles);
    figures.put("consentSeconds", round1(consentSeconds));
    figures.put("patientsDenyingOrganization", population.organizationDenials());
    figures.put("patientsDenyingPsy", population.labelDenials());
    figures.put(
        "directory",
        List.of(
            Population.DENIED_ORGANIZATION,
            Population.OTHER_ORGANIZATION,
            Population.DENIED_PRACTITIONER,
            Population.PERMITTED_PRACTITIONER));
    figures.put("labelCheck", labels);
    Map<String, Object> expected = counts.expected(HEART_RATE, PHQ9_SCORE);
    figures.put("expectedCounts", expected);
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "%,d patients x %d obs (seed %d): %,d resources in %.1f s = %,.0f resources/s (%d Bundles); %d PSY + %d ETH obs;"
                + " %d Consents in %.1f s (%d deny %s, %d deny PSY but for %s)",
            population.patients(),
            population.observationsPerPatient(),
            population.seed(),
            resources,
            dataSeconds,
            resources / dataSeconds,
            bundles,
            psy,
            eth,
            consentCount,
            consentSeconds,
            population.organizationDenials(),
            Population.DENIED_ORGANIZATION,
            population.labelDenials(),
            Population.PERMITTED_PRACTITIONER));
    print(figures, expected);
    return figures;
  }

  private void refuseIfLoaded() {
    String first = "Patient/" + population.patientId(0);
    FhirClient.Answer answer = fhir.get(first);
    if (answer.status() == 200) {
      throw new BenchException(
          "the server already holds this population ("
              + first
              + "): use another --seed"
              + " or a fresh server (a second load would update resources the Consents now hide from the loader)");
    }
    if (answer.status() == 401 || answer.status() == 403) {
      throw new BenchException(
          "GET "
              + first
              + " answered "
              + answer.status()
              + ": populate needs the EHR system"
              + " client's token (--token \"$(./consentry token ehr)\")");
    }
  }

  private long flush(List<ObjectNode> entries, int bundle, long start, long before) {
    int size = entries.size();
    transaction(entries, "bundle " + bundle);
    long loaded = before + size;
    if (bundle % 10 == 0) {
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT, "  %,d resources in %.1f s (%,.0f/s)%n", loaded, seconds, loaded / seconds);
    }
    entries.clear();
    return size;
  }

  private void transaction(List<ObjectNode> resources, String what) {
    transaction(fhir, resources, what);
  }

  /** Sends the resources as one transaction of PUTs; every entry must succeed. */
  static void transaction(FhirClient fhir, List<ObjectNode> resources, String what) {
    ObjectNode bundle =
        JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
    for (ObjectNode resource : resources) {
      ObjectNode entry = bundle.withArray("entry").addObject();
      String url = resource.get("resourceType").asText() + "/" + resource.get("id").asText();
      entry.put("fullUrl", fhir.base() + "/" + url);
      entry.set("resource", resource);
      entry.putObject("request").put("method", "PUT").put("url", url);
    }
    FhirClient.Answer answer = fhir.postBundle(bundle);
    if (answer.status() != 200) {
      throw new BenchException(
          what
              + " ("
              + resources.size()
              + " entries) answered HTTP "
              + answer.status()
              + ": "
              + answer.diagnostics());
    }
    JsonNode response = answer.json().path("entry");
    if (response.size() != resources.size()) {
      throw new BenchException(
          what + ": " + response.size() + " entries answered for " + resources.size() + " sent");
    }
    for (JsonNode entry : response) {
      String status = entry.path("response").path("status").asText();
      if (!status.startsWith("2")) {
        throw new BenchException(what + ": an entry answered " + status);
      }
    }
  }

  private String labelsOf(String reference) {
    FhirClient.Answer answer = fhir.get(reference);
    if (answer.status() != 200) {
      return reference + " answered HTTP " + answer.status();
    }
    List<String> codes = new ArrayList<>();
    answer
        .json()
        .path("meta")
        .path("security")
        .forEach(label -> codes.add(label.path("code").asText()));
    return reference
        + " meta.security "
        + codes
        + (codes.contains(Population.DENIED_LABEL) ? "" : " (NOT labelled PSY)");
  }

  private static void print(Map<String, Object> figures, Map<String, Object> expected) {
    System.out.println("populate: " + figures.get("summary"));
    System.out.println("  tag on every Patient and Observation: " + figures.get("tag"));
    System.out.println("  label check: " + figures.get("labelCheck"));
    System.out.println("  directory: " + figures.get("directory"));
    System.out.println("  expected counts with consent on:");
    expected.forEach((who, counts) -> System.out.println("    " + who + ": " + counts));
  }

  private static double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
