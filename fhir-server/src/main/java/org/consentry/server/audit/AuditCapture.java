package org.consentry.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.LinkedHashSet;
import java.util.Set;
import org.consentry.server.consent.ConsentDecisions;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The audit step ({@link Pipeline#AUDIT}, after the consent step, so only what is shown is
 * recorded), writing to the {@link AuditTrail} events built by {@link AuditEvents}:
 *
 * <ul>
 *   <li>create, update and delete: BALP Create, Update and Delete (or their Patient variants, one
 *       per patient whose data was written), at commit;
 *   <li>read, vread, search and its pages: BALP Read/PatientRead and Query/PatientQuery, one per
 *       patient whose data is shown;
 *   <li>an operation or a history that shows a patient's data ({@code $everything}, {@code
 *       _history}), once per patient (HAPI's capture records neither);
 *   <li>at the end of each request, the decisions made by a patient's own Consent (AuthZconsent, a
 *       deny being an attempt their consent blocked) and emergency accesses.
 * </ul>
 *
 * HAPI's {@code BalpAuditCaptureInterceptor} makes the same RESTful events, but profiling showed it
 * parsing a placeholder narrative with a new XHTML parser per event and walking every resource for
 * its owners a second time: about half of what auditing costs a read, and 5% of what a transaction
 * Bundle costs. The owners here are those the decision step already computed, else the {@link
 * PatientCompartment}'s.
 */
@Interceptor(order = Pipeline.AUDIT)
public final class AuditCapture implements ServerInterceptor {

  private final AuditTrail trail;
  private final PatientCompartment compartment;

  AuditCapture(AuditTrail trail, PatientCompartment compartment) {
    this.trail = trail;
    this.compartment = compartment;
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = Pipeline.AUDIT)
  public void created(IBaseResource resource, ServletRequestDetails request) {
    write(request, RestWrite.CREATE, resource);
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = Pipeline.AUDIT)
  public void updated(
      IBaseResource previous, IBaseResource resource, ServletRequestDetails request) {
    write(request, RestWrite.UPDATE, resource);
  }

  @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, order = Pipeline.AUDIT)
  public void deleted(IBaseResource resource, ServletRequestDetails request) {
    write(request, RestWrite.DELETE, resource);
  }

  /** A write by a REST request (the server's own writes have no request and no event here). */
  private void write(RequestDetails request, RestWrite write, IBaseResource resource) {
    if (request != null) {
      String id = relative(request, resource, resource.getIdElement());
      trail.write(request, write, id, owners(request, resource));
    }
  }

  /** {@code Observation/5}: relative, versionless, typed from the resource when the id is not. */
  static String relative(RequestDetails request, IBaseResource resource, IIdType id) {
    if (!id.hasIdPart()) {
      return id.getValue() == null ? "" : id.getValue();
    }
    String type = id.getResourceType();
    if (type == null || type.isEmpty()) {
      type =
          request != null && request.getFhirContext() != null
              ? request.getFhirContext().getResourceType(resource)
              : resource.fhirType();
    }
    return type + "/" + id.getIdPart();
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
    trail.decisions(request);
  }
}
