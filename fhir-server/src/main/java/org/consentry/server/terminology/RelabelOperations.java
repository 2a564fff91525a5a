package org.consentry.server.terminology;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.consentry.server.fhir.FhirOperations;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code POST [base]/$relabel} starts relabelling every stored resource in the background and
 * answers with the job's id; {@code GET [base]/$relabel-status?job=ID} reports its progress. One
 * job runs at a time; a second request while one runs answers with the running one.
 */
final class RelabelOperations implements FhirOperations {

  private final Map<String, RelabelJob> jobs = new ConcurrentHashMap<>();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "consentry-relabel");
            thread.setDaemon(true);
            return thread;
          });
  private final Supplier<RelabelJob> newJob;
  private volatile RelabelJob latest;

  RelabelOperations(Supplier<RelabelJob> newJob) {
    this.newJob = newJob;
  }

  @Operation(name = "$relabel")
  public synchronized Parameters relabel() {
    RelabelJob running = latest;
    if (running == null
        || running.status() == RelabelJob.Status.COMPLETED
        || running.status() == RelabelJob.Status.FAILED) {
      running = newJob.get();
      jobs.put(running.id(), running);
      latest = running;
      executor.execute(running);
    }
    return status(running);
  }

  @Operation(name = "$relabel-status", idempotent = true)
  public Parameters relabelStatus(@OperationParam(name = "job", min = 1) StringType job) {
    RelabelJob found = job == null ? null : jobs.get(job.getValue());
    if (found == null) {
      throw new ResourceNotFoundException(
          "No relabel job with id '" + (job == null ? "" : job.getValue()) + "'");
    }
    return status(found);
  }

  private static Parameters status(RelabelJob job) {
    Parameters parameters = new Parameters();
    parameters.addParameter("job", job.id());
    parameters.addParameter("status", job.status().name().toLowerCase(Locale.ROOT));
    parameters.addParameter("total", (int) Math.min(Integer.MAX_VALUE, job.total()));
    parameters.addParameter("processed", (int) Math.min(Integer.MAX_VALUE, job.processed()));
    parameters.addParameter("relabeled", (int) Math.min(Integer.MAX_VALUE, job.relabeled()));
    if (job.error() != null) {
      parameters.addParameter("error", job.error());
    }
    return parameters;
  }

  void shutdown() {
    executor.shutdownNow();
  }
}
