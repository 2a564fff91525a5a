package org.consentry.server.research;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Adds a research export's reports to its Bulk Data manifest. HAPI's {@code $export-poll-status}
 * writes the manifest of a completed job itself (after the door and the job-owner check have
 * admitted the request); for a research job this filter adds, as the Bulk Data specification's
 * {@code extension} object under {@value ResearchRun#MANIFEST_EXTENSION}, what the kick-off
 * computed: the study, its profile and k, the cohort figures, and the risk and representativeness
 * reports as JSON and as text. Any other answer passes unchanged.
 */
final class ResearchManifestFilter extends OncePerRequestFilter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final IJobCoordinator jobs;

  ResearchManifestFilter(IJobCoordinator jobs) {
    this.jobs = jobs;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"GET".equals(request.getMethod())
        || !request.getRequestURI().endsWith("/$export-poll-status")
        || request.getParameter("_jobId") == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, wrapper);
      if (wrapper.getStatus() == HttpServletResponse.SC_OK) {
        Optional<ResearchRun> run = researchRun(request.getParameter("_jobId"));
        if (run.isPresent()) {
          JsonNode manifest = JSON.readTree(wrapper.getContentAsByteArray());
          if (manifest instanceof ObjectNode object) {
            object.putObject("extension").set(ResearchRun.MANIFEST_EXTENSION, run.get().manifest());
            byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(object);
            wrapper.resetBuffer();
            wrapper.getOutputStream().write(body);
          }
        }
      }
    } finally {
      wrapper.copyBodyToResponse();
    }
  }

  private Optional<ResearchRun> researchRun(String jobId) {
    JobInstance job;
    try {
      job = jobs.getInstance(jobId);
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
    return ResearchRun.storedIn(job.getParameters(BulkExportJobParameters.class))
        .map(ResearchRun::read);
  }
}
