package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.consentry.server.ServerIT;
import org.junit.jupiter.api.Test;

/**
 * Writes of one resource at the same moment: those without If-Match all take effect, one after the
 * other (none answers 409 for losing the race); one with a stale If-Match still gets 409.
 */
class ConcurrentWritesIT extends ServerIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String FHIR_JSON = "application/fhir+json";
  static final int WRITERS = 4;
  static final int ROUNDS = 5;

  @Test
  void updatesWithoutIfMatch_atTheSameMoment_allTakeEffect_andAStaleIfMatchStill409s()
      throws Exception {
    String id = "race-" + UUID.randomUUID();
    assertThat(
            send("PUT", "/Organization/" + id, FHIR_JSON, organization(id, "start")).statusCode())
        .isEqualTo(201);

    List<Integer> statuses = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int r = round;
      statuses.addAll(
          atOnce(
              w -> send("PUT", "/Organization/" + id, FHIR_JSON, organization(id, r + "-" + w))));
    }

    assertThat(statuses).hasSize(WRITERS * ROUNDS).containsOnly(200);
    JsonNode stored = JSON.readTree(get("/Organization/" + id).body());
    assertThat(stored.path("meta").path("versionId").asText())
        .as("every write stored as its own version")
        .isEqualTo(String.valueOf(1 + WRITERS * ROUNDS));

    HttpResponse<String> stale =
        sendWith(
            ehrToken(),
            "PUT",
            "/Organization/" + id,
            FHIR_JSON,
            organization(id, "stale"),
            Map.of("If-Match", "W/\"1\""));
    assertThat(stale.statusCode()).isEqualTo(409);
  }

  @Test
  void deletesWithoutIfMatch_atTheSameMoment_allSucceed() throws Exception {
    String id = "race-" + UUID.randomUUID();
    assertThat(
            send("PUT", "/Organization/" + id, FHIR_JSON, organization(id, "doomed")).statusCode())
        .isEqualTo(201);

    List<Integer> statuses = atOnce(w -> send("DELETE", "/Organization/" + id, null, null));

    assertThat(statuses).hasSize(WRITERS).allMatch(s -> s == 200 || s == 204);
    assertThat(get("/Organization/" + id).statusCode()).isEqualTo(404);
  }

  private interface Write {
    HttpResponse<String> run(int writer);
  }

  /** Runs one write per writer, all released at once; their statuses. */
  private List<Integer> atOnce(Write write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                  return write.run(writer).statusCode();
                },
                pool));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String organization(String id, String name) {
    return "{\"resourceType\":\"Organization\",\"id\":\"" + id + "\",\"name\":\"" + name + "\"}";
  }
}
