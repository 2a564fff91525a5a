package org.consentry.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import java.util.LinkedHashSet;
import java.util.Set;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The audit step ({@link Pipeline#AUDIT}, after the consent step, so only what is shown is
 * recorded): HAPI's BALP capture (read, vread, search and its pages, create, update, delete, each
 * with its patient variant) writing to the {@link AuditTrail}, and what HAPI's capture lacks: an
 * operation or a history that shows a patient's data ({@code $everything}, {@code _history}) is
 * recorded once per patient, and at the end of each request the consent decisions made by a
 * patient's Consent (AuthZconsent, denies included: the attempts their consent blocked) and
 * emergency accesses.
 */
@Interceptor(order = Pipeline.AUDIT)
public final class AuditCapture extends BalpAuditCaptureInterceptor implements ServerInterceptor {

  private static final ThreadLocal<RequestDetails> CURRENT = new ThreadLocal<>();

  private final AuditTrail trail;
  private final PatientCompartment compartment;

  AuditCapture(
      AuditTrail trail, IBalpAuditContextServices context, PatientCompartment compartment) {
    super(trail, context);
    this.trail = trail;
    this.compartment = compartment;
  }

  /** The REST request this thread is serving, if any (HAPI's BALP sink is not given it). */
  static RequestDetails currentRequest() {
    return CURRENT.get();
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -3000)
  public void begin(RequestDetails request) {
    CURRENT.set(request);
  }

  @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = Pipeline.AUDIT)
  public void operationShown(IPreResourceShowDetails details, RequestDetails request) {
    if (request == null) {
      return;
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    String name;
    switch (operation) {
      case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER ->
          name = request.getOperation();
      case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> name = "_history";
      default -> {
        return; // HAPI's capture records reads, searches and pages
      }
    }
    Set<String> patients = new LinkedHashSet<>();
    Set<String> shown = new LinkedHashSet<>();
    for (IBaseResource resource : details.getAllResources()) {
      if (resource == null) {
        continue;
      }
      patients.addAll(compartment.owners(resource));
      if (resource.getIdElement().hasIdPart()) {
        shown.add(resource.getIdElement().toUnqualifiedVersionless().getValue());
      }
    }
    if (!patients.isEmpty()) {
      trail.operation(request, name, patients, shown);
    }
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
  public void end(RequestDetails request) {
    try {
      trail.decisions(request);
    } finally {
      CURRENT.remove();
    }
  }
}
