package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each benchmark requester should count in a {@link Population}, with consent enforced: the
 * practitioner of the denied organization sees neither the records of the patients who deny it nor
 * the PSY data of the patients who deny PSY; the EHR system client (no organization) misses only
 * that PSY data; the permitted practitioner sees everything. Counted per Observation code, so a
 * count by code can be checked too.
 */
final class VisibleCounts {

  static final String DENIED_ORG_PRACTITIONER = "practitioner of " + Population.DENIED_ORGANIZATION;
  static final String EHR = "EHR system client";
  static final String PERMITTED_PRACTITIONER =
      Population.PERMITTED_PRACTITIONER + " (" + Population.OTHER_ORGANIZATION + ")";

  private int patients;
  private int patientsDenyingOrganization;
  private final Map<String, Integer> all = new TreeMap<>();
  private final Map<String, Integer> denyingOrganization = new TreeMap<>();
  private final Map<String, Integer> psyOfPatientsDenyingPsy = new TreeMap<>();

  /** Adds one patient's record: whether it denies the organization or PSY data. */
  void add(Population.PatientRecord record, boolean deniesOrganization, boolean deniesLabel) {
    patients++;
    patientsDenyingOrganization += deniesOrganization ? 1 : 0;
    for (JsonNode obs : record.observations()) {
      String code = obs.path("code").path("coding").path(0).path("code").asText();
      all.merge(code, 1, Integer::sum);
      if (deniesOrganization) {
        denyingOrganization.merge(code, 1, Integer::sum);
      }
      if (deniesLabel && isPsy(code)) {
        psyOfPatientsDenyingPsy.merge(code, 1, Integer::sum);
      }
    }
  }

  static boolean isPsy(String code) {
    return code.equals("44261-6") || code.equals("70274-6");
  }

  /**
   * Expected {@code Patient}, {@code Observation} and {@code Observation code=...} counts per
   * requester.
   */
  Map<String, Object> expected(String... codes) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(DENIED_ORG_PRACTITIONER, forRequester(true, true, codes));
    out.put(EHR, forRequester(false, true, codes));
    out.put(PERMITTED_PRACTITIONER, forRequester(false, false, codes));
    return out;
  }

  private Map<String, Integer> forRequester(
      boolean organizationDenied, boolean psyDenied, String... codes) {
    Map<String, Integer> out = new LinkedHashMap<>();
    out.put("Patient", patients - (organizationDenied ? patientsDenyingOrganization : 0));
    out.put(
        "Observation",
        all.keySet().stream().mapToInt(c -> visible(c, organizationDenied, psyDenied)).sum());
    for (String code : codes) {
      out.put("Observation code " + code, visible(code, organizationDenied, psyDenied));
    }
    return out;
  }

  private int visible(String code, boolean organizationDenied, boolean psyDenied) {
    return all.getOrDefault(code, 0)
        - (organizationDenied ? denyingOrganization.getOrDefault(code, 0) : 0)
        - (psyDenied ? psyOfPatientsDenyingPsy.getOrDefault(code, 0) : 0);
  }

  /** Observations per code over the whole population. */
  Map<String, Integer> byCode() {
    return new TreeMap<>(all);
  }
}
