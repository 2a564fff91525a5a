package org.consentry.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.consent.ExportConsent;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A Bulk Data export discloses each patient whose data it writes: the first resource of a patient
 * that an export job includes (after the consent hook, which runs before and excludes what the
 * requester may not see) records one disclosure event for that patient and export. Research exports
 * record theirs at kick-off (the study's released patients) and are skipped here. Registered with
 * HAPI's storage interceptors, where the job fires the hook; it never excludes a resource.
 */
@Interceptor(order = 2000)
final class ExportDisclosureHook {

  private static final String RESEARCH_RUN = "consentry.research";
  private static final int REMEMBERED = 200_000;

  private final AuditTrail trail;
  private final PatientCompartment compartment;
  private final Map<String, Boolean> recorded =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };

  ExportDisclosureHook(AuditTrail trail, PatientCompartment compartment) {
    this.trail = trail;
    this.compartment = compartment;
  }

  @Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
  public boolean include(BulkExportJobParameters parameters, IBaseResource resource) {
    if (parameters.getUserData() != null && parameters.getUserData().containsKey(RESEARCH_RUN)) {
      return true;
    }
    Optional<Requester> requester = ExportConsent.requester(parameters);
    String exportId = ExportConsent.exportId(parameters);
    if (requester.isEmpty() || exportId.isEmpty()) {
      return true; // an export the server started itself
    }
    Set<String> owners = compartment.owners(resource);
    for (String patient : owners) {
      boolean first;
      synchronized (recorded) {
        first = recorded.putIfAbsent(exportId + "|" + patient, Boolean.TRUE) == null;
      }
      if (first) {
        trail.exportDisclosures(requester.get(), exportId, List.of(patient));
      }
    }
    return true;
  }
}
