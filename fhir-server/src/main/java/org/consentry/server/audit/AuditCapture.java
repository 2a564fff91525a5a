package org.consentry.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import java.util.LinkedHashSet;
import java.util.Set;
import org.consentry.server.consent.ConsentDecisions;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The audit step ({@link Pipeline#AUDIT}, after the consent step, so only what is shown is
 * recorded), writing to the {@link AuditTrail}:
 *
 * <ul>
 *   <li>create, update and delete: HAPI's {@link BalpAuditCaptureInterceptor} (each with its
 *       patient variant), called from here;
 *   <li>read, vread, search and its pages: BALP Read/PatientRead and Query/PatientQuery events
 *       built by {@link AuditEvents}, one per patient whose data is shown. HAPI's capture makes the
 *       same events, but profiling showed it parsing a placeholder narrative with a new XHTML
 *       parser per event and walking every shown resource for its owners a second time, about half
 *       of what auditing costs a read; the owners here are those the decision step already
 *       computed;
 *   <li>an operation or a history that shows a patient's data ({@code $everything}, {@code
 *       _history}), once per patient (HAPI's capture records neither);
 *   <li>at the end of each request, the decisions made by a patient's own Consent (AuthZconsent, a
 *       deny being an attempt their consent blocked) and emergency accesses.
 * </ul>
 */
@Interceptor(order = Pipeline.AUDIT)
public final class AuditCapture implements ServerInterceptor {

  private static final ThreadLocal<RequestDetails> CURRENT = new ThreadLocal<>();

  private final AuditTrail trail;
  private final PatientCompartment compartment;
  private final BalpAuditCaptureInterceptor writes;

  AuditCapture(
      AuditTrail trail, IBalpAuditContextServices context, PatientCompartment compartment) {
    this.trail = trail;
    this.compartment = compartment;
    this.writes = new BalpAuditCaptureInterceptor(trail, context);
  }

  /** The REST request this thread is serving, if any (HAPI's BALP sink is not given it). */
  static RequestDetails currentRequest() {
    return CURRENT.get();
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -3000)
  public void begin(RequestDetails request) {
    CURRENT.set(request);
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = Pipeline.AUDIT)
  public void created(IBaseResource resource, ServletRequestDetails request) {
    if (request != null) {
      writes.hookStoragePrecommitResourceCreated(resource, request);
    }
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = Pipeline.AUDIT)
  public void updated(
      IBaseResource previous, IBaseResource resource, ServletRequestDetails request) {
    if (request != null) {
      writes.hookStoragePrecommitResourceUpdated(previous, resource, request);
    }
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, order = Pipeline.AUDIT)
  public void deleted(IBaseResource resource, ServletRequestDetails request) {
    if (request != null) {
      writes.hookStoragePrecommitResourceDeleted(resource, request);
    }
  }

  @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = Pipeline.AUDIT)
  public void shown(IPreResourceShowDetails details, RequestDetails request) {
    if (request == null || request.getRestOperationType() == null) {
      return;
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    switch (operation) {
      case READ, VREAD -> {
        for (IBaseResource resource : details.getAllResources()) {
          if (resource != null) {
            read(request, operation.getCode(), resource);
          }
        }
      }
      case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE -> {
        Set<String> patients = owners(request, details);
        String interaction =
            operation == RestOperationTypeEnum.SEARCH_SYSTEM ? "search-system" : "search-type";
        if (patients.isEmpty()) {
          trail.query(request, interaction, null);
        }
        for (String patient : patients) {
          trail.query(request, interaction, patient);
        }
      }
      case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER -> {
        Set<String> patients = owners(request, details);
        if (!patients.isEmpty()) {
          trail.operation(request, request.getOperation(), patients);
        }
      }
      case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> {
        Set<String> patients = owners(request, details);
        if (!patients.isEmpty()) {
          trail.operation(request, "_history", patients);
        }
      }
      default -> {
        // writes are recorded at commit; nothing else shows stored data
      }
    }
  }

  private void read(RequestDetails request, String interaction, IBaseResource resource) {
    String id = resource.getIdElement().toUnqualifiedVersionless().getValue();
    Set<String> patients = owners(request, resource);
    if (patients.isEmpty()) {
      trail.read(request, interaction, null, id);
    }
    for (String patient : patients) {
      trail.read(request, interaction, patient, id);
    }
  }

  private Set<String> owners(RequestDetails request, IPreResourceShowDetails details) {
    Set<String> patients = new LinkedHashSet<>();
    for (IBaseResource resource : details.getAllResources()) {
      if (resource != null) {
        patients.addAll(owners(request, resource));
      }
    }
    return patients;
  }

  /** The owners the decision step computed for this instance, else computed now. */
  private Set<String> owners(RequestDetails request, IBaseResource resource) {
    Set<String> known = ConsentDecisions.knownOwners(request, resource);
    Set<String> owners = known != null ? known : compartment.owners(resource);
    Set<String> patients = new LinkedHashSet<>();
    for (String owner : owners) {
      // bare ids only; a placeholder (urn:uuid:...) or another type names no stored patient
      if (!owner.isEmpty() && !owner.contains(":") && !owner.contains("/")) {
        patients.add(owner);
      }
    }
    return patients;
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
