package org.consentry.server.research;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.OperationParameters;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;

/**
 * The kick-off of a researcher's export, by either door: {@code ResearchStudy/ID/$export} ({@link
 * ResearchExportOperation}) or {@code Group/ID/$export} naming a study's cohort. Whatever a
 * researcher asks, the job HAPI starts is the study's de-identified research export: when HAPI is
 * about to start a researcher's job ({@code STORAGE_INITIATE_BULK_EXPORT}, before the consent step
 * stores the job's requester) its parameters are rewritten by {@link ResearchExports#prepare}. A
 * researcher's job that names no study is refused.
 */
@Interceptor
final class ResearchKickOff implements ServerInterceptor {

  static final String STUDY = ResearchKickOff.class.getName() + ".study";
  private static final Set<String> NDJSON =
      Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");

  private final StudyAccess access;
  private final ResearchExports exports;

  ResearchKickOff(StudyAccess access, ResearchExports exports) {
    this.access = access;
    this.exports = exports;
  }

  /** {@code Group/ID/$export} by a researcher: the study whose cohort it is, before HAPI runs. */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void findStudy(RequestDetails request) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null
        || requester.kind() != Requester.Kind.RESEARCHER
        || !"$export".equals(request.getOperation())
        || request.getRestOperationType() != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
        || !"Group".equals(request.getResourceName())) {
      return;
    }
    Study study = access.byCohort(request, requester, request.getId().getIdPart());
    request.getUserData().put(STUDY, study);
  }

  @Hook(value = Pointcut.STORAGE_INITIATE_BULK_EXPORT, order = -10)
  public void research(RequestDetails request, BulkExportJobParameters parameters) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null || requester.kind() != Requester.Kind.RESEARCHER) {
      return;
    }
    Study study = (Study) request.getUserData().get(STUDY);
    if (study == null || !(request instanceof ServletRequestDetails servlet)) {
      throw new ForbiddenOperationException(
          "researchers export studies: use ResearchStudy/ID/$export (or Group/ID/$export for a"
              + " study's cohort)");
    }
    for (String format : OperationParameters.values(request, "_outputFormat")) {
      if (!NDJSON.contains(format.trim())) {
        throw new InvalidRequestException(
            "_outputFormat " + format + " is not offered: exports are application/fhir+ndjson");
      }
    }
    List<String> types = new ArrayList<>();
    for (String value : OperationParameters.values(request, "_type")) {
      types.addAll(List.of(value.split(",")));
    }
    exports.prepare(servlet, requester, study, types, parameters);
  }
}
