package org.consentry.server.terminology;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code POST [base]/$relabel} starts relabelling every stored resource as a Batch2 job and answers
 * with the job's id; {@code GET [base]/$relabel-status?job=ID} reports its progress, read from the
 * job store, so any node answers it and it survives restarts. One job runs at a time; a second
 * request while one runs answers with the running one.
 */
final class RelabelOperations implements FhirOperations {

  private final DurableJobs jobs;

  RelabelOperations(DurableJobs jobs) {
    this.jobs = jobs;
  }

  @Operation(name = "$relabel")
  public synchronized Parameters relabel() {
    DurableJobs.Job job =
        jobs.running(RelabelJob.DEFINITION_ID)
            .orElseGet(
                () -> {
                  String id = jobs.start(RelabelJob.DEFINITION_ID, new RelabelJob.Parameters());
                  return jobs.find(RelabelJob.DEFINITION_ID, id).orElseThrow();
                });
    return status(job);
  }

  @Operation(name = "$relabel-status", idempotent = true)
  public Parameters relabelStatus(@OperationParam(name = "job", min = 1) StringType job) {
    String id = job == null ? null : job.getValue();
    return status(
        jobs.find(RelabelJob.DEFINITION_ID, id)
            .orElseThrow(
                () ->
                    new ResourceNotFoundException(
                        "No relabel job with id '" + (id == null ? "" : id) + "'")));
  }

  private static Parameters status(DurableJobs.Job job) {
    Parameters parameters = new Parameters();
    parameters.addParameter("job", job.id());
    parameters.addParameter("status", job.status().word());
    parameters.addParameter("total", asInt(job.count(ResourceChunks.LISTED)));
    parameters.addParameter("processed", asInt(job.count(RelabelJob.PROCESSED)));
    parameters.addParameter("relabeled", asInt(job.count(RelabelJob.RELABELED)));
    if (job.error() != null) {
      parameters.addParameter("error", job.error());
    }
    return parameters;
  }

  private static int asInt(long count) {
    return (int) Math.min(Integer.MAX_VALUE, count);
  }
}
