package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Collection;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.OperationParameters;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;

/**
 * The rules of a Bulk Data export kick-off ({@code $export} at system, Patient, Patient instance
 * and Group level), checked before HAPI looks anything up or starts a job, in this order:
 *
 * <ol>
 *   <li>not under emergency access (purpose ETREAT): emergency access is per patient and audited
 *       per request, and an export job would reach patients with no audit; 403;
 *   <li>{@code _type}, {@code _typeFilter} and {@code _typePostFetchFilterUrl} select by plain
 *       search parameters of each type only ({@link ExportFilters}); 400;
 *   <li>the Patients or Group named are ones the requester can see ({@link ExportTargets}); a
 *       hidden, deleted or missing one gets the one 404.
 * </ol>
 *
 * When HAPI is about to start the job ({@code STORAGE_INITIATE_BULK_EXPORT}), the first two rules
 * are applied again to the parameters as HAPI parsed them, so that no route to a job escapes them.
 */
@Interceptor
final class ExportKickOff implements ServerInterceptor {

  static final String EXPORT = "$export";

  private final ExportFilters filters;
  private final ExportTargets targets;

  ExportKickOff(ExportFilters filters, ExportTargets targets) {
    this.filters = filters;
    this.targets = targets;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void checkRequest(RequestDetails request) {
    if (!EXPORT.equals(request.getOperation())) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    refuseEmergency(requester);
    for (String parameter : ExportFilters.PARAMETERS) {
      for (String value : OperationParameters.values(request, parameter)) {
        filters.check(parameter, value);
      }
    }
    targets.requireVisible(request, requester);
  }

  @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
  public void checkJob(RequestDetails request, BulkExportJobParameters parameters) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    refuseEmergency(requester);
    checkAll(ExportFilters.TYPE, parameters.getResourceTypes());
    checkAll(ExportFilters.TYPE_FILTER, parameters.getFilters());
    checkAll(ExportFilters.POST_FETCH_FILTER, parameters.getPostFetchFilterUrls());
  }

  private void checkAll(String parameter, Collection<String> values) {
    if (values != null) {
      values.forEach(value -> filters.check(parameter, value));
    }
  }

  private static void refuseEmergency(Requester requester) {
    if ("ETREAT".equals(requester.purposeOfUse())) {
      throw new ForbiddenOperationException(
          "bulk export is not available under emergency access (ETREAT):"
              + " emergency access is per patient and audited per request; read the resources you need, or use"
              + " Patient/ID/$everything, with X-Purpose-Of-Use: ETREAT");
    }
  }
}
