package org.consentry.server.research;

import ca.uhn.fhir.batch2.jobs.export.BulkExportJobService;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.rest.server.util.ServletRequestUtil;
import java.util.List;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * {@code GET|POST ResearchStudy/ID/$export} (with {@code Prefer: respond-async}): the Bulk Data
 * kick-off of a study's de-identified export, for a researcher the study names. Answers 202 with
 * the Content-Location of HAPI's {@code $export-poll-status}, whose manifest carries the reports.
 */
final class ResearchExportOperation implements FhirOperations {

  private final StudyAccess access;
  private final BulkExportJobService jobs;

  ResearchExportOperation(StudyAccess access, BulkExportJobService jobs) {
    this.access = access;
    this.jobs = jobs;
  }

  @Operation(name = "$export", type = ResearchStudy.class, idempotent = true, manualResponse = true)
  public void export(
      @IdParam IdType id,
      @OperationParam(name = "_outputFormat", typeName = "string", min = 0, max = 1)
          IPrimitiveType<String> outputFormat,
      @OperationParam(name = "_type", typeName = "string", min = 0, max = 1)
          IPrimitiveType<String> type,
      ServletRequestDetails request) {
    Requester requester =
        Requesters.of(request)
            .filter(r -> r.kind() == Requester.Kind.RESEARCHER)
            .orElseThrow(
                () -> new ForbiddenOperationException("a study's export is for its researchers"));
    ServletRequestUtil.validatePreferAsyncHeader(request, "$export");
    Study study = access.byId(request, requester, id.getIdPart());
    request.getUserData().put(ResearchKickOff.STUDY, study);
    BulkExportJobParameters parameters = new BulkExportJobParameters();
    parameters.setExportStyle(BulkExportJobParameters.ExportStyle.PATIENT);
    parameters.setResourceTypes(List.of("Patient"));
    jobs.startJob(request, parameters);
  }
}
