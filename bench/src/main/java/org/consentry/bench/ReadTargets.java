package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the read benchmark asks for, found on the server before it starts: Patient ids, and the
 * Observation codes that occur most often (so a search by code returns a full page).
 *
 * @param patientIds ids of up to 500 Patients
 * @param observationCodes up to 5 {@code system|code} tokens, most frequent first
 */
record ReadTargets(List<String> patientIds, List<String> observationCodes) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ReadTargets discover(HttpClient client, URI base, String token) {
    List<String> ids = new ArrayList<>();
    for (JsonNode entry :
        search(client, base, token, "Patient?_count=500&_elements=id").path("entry")) {
      ids.add(entry.path("resource").path("id").asText());
    }
    Map<String, Integer> frequency = new HashMap<>();
    for (JsonNode entry :
        search(client, base, token, "Observation?_count=500&_elements=code").path("entry")) {
      JsonNode coding = entry.path("resource").path("code").path("coding").path(0);
      if (coding.hasNonNull("system") && coding.hasNonNull("code")) {
        frequency.merge(
            coding.path("system").asText() + "|" + coding.path("code").asText(), 1, Integer::sum);
      }
    }
    List<String> codes =
        frequency.entrySet().stream()
            .sorted(
                Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(5)
            .map(Map.Entry::getKey)
            .toList();
    if (ids.isEmpty()) {
      throw new BenchException(
          "the server at " + base + " has no Patient: run the ingest benchmark first");
    }
    return new ReadTargets(List.copyOf(ids), codes);
  }

  private static JsonNode search(HttpClient client, URI base, String token, String query) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/" + query))
            .header("Accept", "application/fhir+json")
            .header("Cache-Control", "no-cache");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchException("GET " + query + " gave HTTP " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BenchException(
          "the server at " + base + " is not answering (" + e + "); start it with ./consentry up");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }
}
