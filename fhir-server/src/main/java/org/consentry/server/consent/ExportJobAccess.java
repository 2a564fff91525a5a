package org.consentry.server.consent;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Parameters;

/**
 * A Bulk Data export job is for the requester who started it: only a requester with the same token
 * subject (stored with the job by {@link ExportConsent#remember}) may poll its status or cancel it
 * ({@code GET} or {@code DELETE $export-poll-status?_jobId=...}).
 *
 * <p>Anyone else gets exactly HAPI's answer for a job id that does not exist: the same 404 and
 * {@code OperationOutcome} (HAPI-2040, "Unknown instance ID"), the same headers, after the same
 * work (one look-up of the job), so an answer never tells whether a job id is in use. A job that
 * names no requester (started by the server itself, or not an export) is unknown to every
 * requester.
 */
@Interceptor
final class ExportJobAccess implements ServerInterceptor {

  static final String POLL_STATUS = "$export-poll-status";
  static final String JOB_ID = "_jobId";

  private final IJobCoordinator jobs;

  ExportJobAccess(IJobCoordinator jobs) {
    this.jobs = jobs;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void checkOwner(RequestDetails request) {
    if (!POLL_STATUS.equals(request.getOperation())) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    for (String jobId : jobIds(request)) {
      JobInstance job;
      try {
        job = jobs.getInstance(jobId);
      } catch (ResourceNotFoundException e) {
        addServerHeaders(request);
        throw e;
      }
      if (!ExportConsent.startedBy(
          job.getParameters(BulkExportJobParameters.class), requester.subject())) {
        addServerHeaders(request);
        throw unknown(jobId);
      }
    }
  }

  /**
   * Every job id the request names: the URL's {@code _jobId} values and, for a POST, the body's.
   */
  private static List<String> jobIds(RequestDetails request) {
    List<String> ids = new ArrayList<>();
    if (request.getParameters() != null && request.getParameters().get(JOB_ID) != null) {
      ids.addAll(Arrays.asList(request.getParameters().get(JOB_ID)));
    }
    if (request.getResource() instanceof Parameters body) {
      body.getParameter().stream()
          .filter(p -> JOB_ID.equals(p.getName()) && p.getValue() instanceof IPrimitiveType<?>)
          .forEach(p -> ids.add(((IPrimitiveType<?>) p.getValue()).getValueAsString()));
    }
    return ids;
  }

  /**
   * HAPI's answer for an unknown job id, as its {@code $export-poll-status} gives it: the provider
   * adds the server's headers to the response ({@link #addServerHeaders}), then the job look-up
   * fails with this exception (JobQuerySvc in hapi-fhir-storage-batch2 8.8). ExportAccessIT
   * compares the two answers.
   */
  static ResourceNotFoundException unknown(String jobId) {
    return new ResourceNotFoundException(
        Msg.code(2040)
            + "Unknown instance ID: "
            + UrlUtil.escapeUrlParam(jobId)
            + ". Please check if the input job ID is valid.");
  }

  private static void addServerHeaders(RequestDetails request) {
    if (request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
      servlet.getServer().addHeadersToResponse(servlet.getServletResponse());
    }
  }
}
