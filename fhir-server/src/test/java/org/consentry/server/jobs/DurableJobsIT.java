package org.consentry.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Set;
import javax.sql.DataSource;
import org.consentry.server.ServerIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The relabel job on Batch2: chunked, with progress, its status read from the job store. */
class DurableJobsIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired private IJobCoordinator coordinator;
  @Autowired private DataSource dataSource;

  @Test
  void relabel_startedInTheJobStore_isReportedByTheOperation_inChunks_withProgress()
      throws Exception {
    assertThat(syntheaImported().failures()).isEmpty();

    // started straight in Batch2, not through $relabel: the operation knows it from the job store
    JobInstanceStartRequest start = new JobInstanceStartRequest();
    start.setJobDefinitionId("consentry-relabel");
    start.setParameters("{\"scope\":\"all\"}");
    String id = coordinator.startInstance(new SystemRequestDetails(), start).getInstanceId();

    JsonNode status = json(get("/$relabel-status?job=" + id));
    long deadline = System.currentTimeMillis() + 240_000;
    while (!Set.of("completed", "failed").contains(parameter(status, "status"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      status = json(get("/$relabel-status?job=" + id));
      assertThat(number(status, "processed")).isLessThanOrEqualTo(number(status, "total"));
    }

    assertThat(parameter(status, "job")).isEqualTo(id);
    assertThat(parameter(status, "status")).as(status.toString()).isEqualTo("completed");
    int total = number(status, "total");
    assertThat(total).as("at least the 9,022 sample resources").isGreaterThanOrEqualTo(9022);
    assertThat(number(status, "processed")).isEqualTo(total);
    assertThat(number(status, "relabeled")).isBetween(0, total);

    JobInstance instance = coordinator.getInstance(id);
    assertThat(instance.getJobDefinitionId()).isEqualTo("consentry-relabel");
    assertThat(instance.getStatus()).isEqualTo(StatusEnum.COMPLETED);
    Integer chunks =
        new JdbcTemplate(dataSource)
            .queryForObject(
                "SELECT count(*) FROM consentry_job_count WHERE instance_id = ? AND name = ?",
                Integer.class,
                id,
                "processed");
    assertThat(chunks)
        .as("chunks of consentry.jobs.chunk-size=100 resources")
        .isEqualTo((total + 99) / 100);
  }

  @Test
  void aJobId_readsOnlyAsItsOwnKind() throws Exception {
    JobInstanceStartRequest start = new JobInstanceStartRequest();
    start.setJobDefinitionId("consentry-relabel");
    start.setParameters("{\"scope\":\"all\"}");
    String id = coordinator.startInstance(new SystemRequestDetails(), start).getInstanceId();

    assertThat(get("/$relabel-status?job=" + id).statusCode()).isEqualTo(200);
    HttpResponse<String> other = get("/$rotate-data-keys-status?job=" + id);
    HttpResponse<String> unknown = get("/$rotate-data-keys-status?job=no-such-job");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("No data-key rotation job with id '" + id + "'");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(get("/$relabel-status?job=no-such-job").statusCode()).isEqualTo(404);

    // no relabelling left running for other tests ($relabel answers with a running job)
    coordinator.cancelInstance(id);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!coordinator.getInstance(id).isFinished() && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
    }
    assertThat(parameter(json(get("/$relabel-status?job=" + id)), "status"))
        .as("cancelled reads as failed (unless it completed first)")
        .isIn("failed", "completed");
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String parameter(JsonNode parameters, String name) {
    for (JsonNode p : parameters.path("parameter")) {
      if (p.path("name").asText().equals(name)) {
        JsonNode value = p.has("valueString") ? p.get("valueString") : p.get("valueInteger");
        return value.asText();
      }
    }
    return null;
  }

  private static int number(JsonNode parameters, String name) {
    return Integer.parseInt(parameter(parameters, name));
  }
}
