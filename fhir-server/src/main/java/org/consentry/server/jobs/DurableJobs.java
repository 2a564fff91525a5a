package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.model.api.IModelJson;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts Consentry's jobs on HAPI's Batch2 and reads them back, from whichever node: the job
 * instance and its work chunks live in Batch2's tables, the counts a job reports in {@code
 * consentry_job_count}, one row per work chunk and count (so a chunk run again after its node died
 * replaces its counts rather than adding to them).
 */
public final class DurableJobs {

  /** The status words of the job operations, from Batch2's states. */
  public enum Status {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED;

    static Status of(StatusEnum batch2) {
      return switch (batch2) {
        case QUEUED -> QUEUED;
        case IN_PROGRESS, ERRORED, FINALIZE -> RUNNING;
        case COMPLETED -> COMPLETED;
        case FAILED, CANCELLED -> FAILED;
      };
    }

    /** As the operations answer it: {@code queued}, {@code running}, ... */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A job as its status operation reports it. */
  public record Job(String id, Status status, Map<String, Long> counts, String error) {

    public long count(String name) {
      return counts.getOrDefault(name, 0L);
    }
  }

  private static final EnumSet<StatusEnum> NOT_ENDED =
      EnumSet.of(
          StatusEnum.QUEUED, StatusEnum.IN_PROGRESS, StatusEnum.ERRORED, StatusEnum.FINALIZE);

  private final IJobCoordinator coordinator;
  private final JdbcTemplate jdbc;
  private final int chunkSize;
  private final Duration chunkPause;
  private final Runnable catchUp;

  /**
   * @param catchUp brings this node's caches (sensitivity value sets, data keys) up to what the
   *     other nodes committed
   */
  DurableJobs(
      IJobCoordinator coordinator,
      DataSource dataSource,
      JobsProperties properties,
      Runnable catchUp) {
    this.coordinator = coordinator;
    this.jdbc = new JdbcTemplate(dataSource);
    this.chunkSize = properties.chunkSize();
    this.chunkPause = properties.chunkPause();
    this.catchUp = catchUp;
  }

  void createTables() {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS consentry_job_count (instance_id varchar(100) NOT NULL,"
            + " chunk_key varchar(200) NOT NULL, name varchar(40) NOT NULL, value bigint NOT NULL,"
            + " PRIMARY KEY (instance_id, chunk_key, name))");
  }

  /** Resources per work chunk ({@code consentry.jobs.chunk-size}). */
  public int chunkSize() {
    return chunkSize;
  }

  /**
   * Before a chunk is processed: this node's caches catch up with changes made on other nodes (a
   * value set uploaded, a data key rotated in the job's first step on another node), then it waits
   * {@code consentry.jobs.chunk-pause} (zero unless a test slows jobs down).
   */
  public void beforeChunk() {
    catchUp.run();
    if (!chunkPause.isZero()) {
      try {
        Thread.sleep(chunkPause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts a job; answers its id. */
  public String start(String definitionId, IModelJson parameters) {
    JobInstanceStartRequest request = new JobInstanceStartRequest(definitionId, parameters);
    return coordinator.startInstance(new SystemRequestDetails(), request).getInstanceId();
  }

  /** The newest job of this kind that has not ended, if any. */
  public Optional<Job> running(String definitionId) {
    List<JobInstance> running =
        coordinator.getJobInstancesByJobDefinitionIdAndStatuses(definitionId, NOT_ENDED, 1, 0);
    return running.stream().findFirst().map(this::job);
  }

  /** The job with this id, if it is of this kind (a job of another kind reads as unknown). */
  public Optional<Job> find(String definitionId, String id) {
    if (id == null || id.isBlank()) {
      return Optional.empty();
    }
    JobInstance instance;
    try {
      instance = coordinator.getInstance(id);
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
    if (instance == null || !definitionId.equals(instance.getJobDefinitionId())) {
      return Optional.empty();
    }
    return Optional.of(job(instance));
  }

  private Job job(JobInstance instance) {
    Status status = Status.of(instance.getStatus());
    String error = status == Status.FAILED ? instance.getErrorMessage() : null;
    if (status == Status.FAILED && error == null) {
      error = instance.getStatus() == StatusEnum.CANCELLED ? "cancelled" : "failed";
    }
    return new Job(instance.getInstanceId(), status, counts(instance.getInstanceId()), error);
  }

  /** The counts of a job, summed over its chunks. */
  Map<String, Long> counts(String instanceId) {
    Map<String, Long> counts = new HashMap<>();
    jdbc.query(
        "SELECT name, sum(value) FROM consentry_job_count WHERE instance_id = ? GROUP BY name",
        row -> {
          counts.put(row.getString(1), row.getLong(2));
        },
        instanceId);
    return Map.copyOf(counts);
  }

  /**
   * Records what one piece of a job did, replacing what the same piece recorded before (a chunk run
   * again after its node died).
   */
  public void record(String instanceId, String pieceKey, Map<String, Long> counts) {
    for (Map.Entry<String, Long> count : counts.entrySet()) {
      jdbc.update(
          "INSERT INTO consentry_job_count (instance_id, chunk_key, name, value) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (instance_id, chunk_key, name) DO UPDATE SET value = excluded.value",
          instanceId,
          pieceKey,
          count.getKey(),
          count.getValue());
    }
  }
}
