package org.consentry.server.research;

import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.consentry.consent.Requester;

/**
 * What a research export job carries besides HAPI's parameters, stored with them as JSON (no
 * secrets: the study key is derived again from the keystore when the job runs).
 *
 * @param study the bare id of the study
 * @param subject the researcher's token subject
 * @param scopes the researcher's token scopes
 * @param clientId the researcher's OAuth client
 * @param profile the de-identification profile's code
 * @param level the index of the generalization level the risk report chose, applied to each
 *     exported Patient's quasi-identifiers
 * @param released the bare ids of the patients whose data the export may hold
 * @param manifest what the poll-status manifest adds for the researcher (cohort figures, the two
 *     reports as JSON and as text)
 */
record ResearchRun(
    String study,
    String subject,
    Set<String> scopes,
    String clientId,
    String profile,
    int level,
    Set<String> released,
    ObjectNode manifest) {

  static final String KEY = "consentry.research";
  static final String MANIFEST_EXTENSION = "http://consentry.org/fhir/research-export";
  private static final ObjectMapper JSON = new ObjectMapper();

  ResearchRun {
    scopes = Set.copyOf(scopes);
    released = Set.copyOf(released);
  }

  /** The requester the job acts as: the researcher, for this study. */
  Requester requester() {
    return new Requester(
        Requester.Kind.RESEARCHER,
        subject,
        null,
        null,
        null,
        Set.of("ResearchStudy/" + study),
        scopes,
        "HRESCH",
        clientId);
  }

  void storeIn(BulkExportJobParameters parameters) {
    try {
      parameters.setUserData(KEY, JSON.writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot store the research export's settings", e);
    }
  }

  /** The stored JSON of a job's parameters, if it is a research export. */
  static Optional<String> storedIn(BulkExportJobParameters parameters) {
    Object stored =
        parameters == null || parameters.getUserData() == null
            ? null
            : parameters.getUserData().get(KEY);
    return stored == null ? Optional.empty() : Optional.of(stored.toString());
  }

  /**
   * Reads the stored JSON.
   *
   * @throws IllegalStateException if it is not readable (the caller fails closed)
   */
  static ResearchRun read(String json) {
    try {
      return JSON.readValue(json, ResearchRun.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable research export settings", e);
    }
  }

  /** Patient ids for HAPI's parameters: {@code Patient/ID}, sorted. */
  List<String> patientReferences() {
    return released.stream().sorted().map(id -> "Patient/" + id).toList();
  }
}
