package org.consentry.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.GrantedScopes.Reach;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Enforces SMART scopes on every interaction.
 *
 * <ul>
 *   <li>When a request arrives ({@code SERVER_INCOMING_REQUEST_PRE_HANDLED}): the resource type and
 *       interaction of the request must be granted, else 403.
 *   <li>Before anything is stored ({@code STORAGE_PRESTORAGE_*}, which fires for plain writes and
 *       for every entry of a transaction or batch): the type and interaction must be granted, and a
 *       grant through a {@code patient/} scope reaches only the patient's own compartment.
 * </ul>
 *
 * Reads of resources that the scopes do not reach are hidden by the consent service, so they look
 * absent rather than forbidden.
 */
@Interceptor
final class SmartScopeInterceptor implements ServerInterceptor {

  private final PatientCompartment compartment;

  SmartScopeInterceptor(PatientCompartment compartment) {
    this.compartment = compartment;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void checkRequest(RequestDetails request, RestOperationTypeEnum operation) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    GrantedScopes scopes = GrantedScopes.of(requester.scopes());
    String type = request.getResourceName();
    switch (operation) {
      case METADATA, TRANSACTION, BATCH, GET_PAGE -> {
        // transaction and batch entries are checked one by one as they are stored;
        // a page belongs to a search that was checked, and its resources are filtered
      }
      case READ, VREAD, HISTORY_INSTANCE, META, GET_TAGS -> {
        require(scopes, type, Interaction.READ, operation);
        hideOtherPatient(requester, scopes, request, Interaction.READ);
      }
      case SEARCH_TYPE, HISTORY_TYPE -> require(scopes, type, Interaction.SEARCH, operation);
      case SEARCH_SYSTEM, HISTORY_SYSTEM -> require(scopes, "*", Interaction.SEARCH, operation);
      case CREATE -> require(scopes, type, Interaction.CREATE, operation);
      case UPDATE, PATCH, META_ADD, META_DELETE, ADD_TAGS, DELETE_TAGS ->
          require(scopes, type, Interaction.UPDATE, operation);
      case DELETE -> require(scopes, type, Interaction.DELETE, operation);
      case VALIDATE -> require(scopes, type, Interaction.READ, operation);
      case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
          checkOperation(requester, scopes, request, operation);
      default ->
          throw new ForbiddenOperationException(operation + " is not available on this server");
    }
  }

  private void checkOperation(
      Requester requester,
      GrantedScopes scopes,
      RequestDetails request,
      RestOperationTypeEnum operation) {
    String name = request.getOperation();
    String type = request.getResourceName() == null ? "*" : request.getResourceName();
    switch (name) {
      case "$everything" -> {
        require(scopes, "Patient", Interaction.READ, operation);
        hideOtherPatient(requester, scopes, request, Interaction.READ);
      }
      case "$export", "$export-poll-status" -> {
        if (scopes.reach("*", Interaction.READ) != Reach.ANY) {
          throw new ForbiddenOperationException(
              "bulk export needs a user/*.read or system/*.read scope (or their v2 forms)");
        }
      }
      case "$relabel", "$relabel-status" -> {
        if (requester.kind() != Requester.Kind.SYSTEM
            || scopes.reach("*", Interaction.UPDATE) != Reach.ANY) {
          throw new ForbiddenOperationException(
              name + " is for system clients with system/*.write or system/*.*");
        }
      }
      case "$expand",
          "$lookup",
          "$validate-code",
          "$subsumes",
          "$translate",
          "$validate",
          "$meta" ->
          require(scopes, type, Interaction.READ, operation);
      case "$meta-add", "$meta-delete" -> require(scopes, type, Interaction.UPDATE, operation);
      case "$ingest-measurements" -> {
        // a window's Observation is created by its first batch and updated by the next ones
        require(scopes, "Observation", Interaction.CREATE, operation);
        require(scopes, "Observation", Interaction.UPDATE, operation);
      }
      case "$series" -> require(scopes, "Observation", Interaction.SEARCH, operation);
      default ->
          require(
              scopes,
              type,
              "GET".equals(request.getRequestType().name()) ? Interaction.READ : Interaction.UPDATE,
              operation);
    }
  }

  /**
   * A patient-context token asking for another patient's record gets the same 404 as a missing one.
   */
  private static void hideOtherPatient(
      Requester requester, GrantedScopes scopes, RequestDetails request, Interaction interaction) {
    if (!"Patient".equals(request.getResourceName())
        || request.getId() == null
        || !request.getId().hasIdPart()) {
      return;
    }
    if (scopes.reach("Patient", interaction) == Reach.PATIENT_COMPARTMENT
        && !request.getId().getIdPart().equals(requester.patientId())) {
      throw NotFound.of(request.getResourceName(), request.getId().getIdPart());
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void checkCreate(IBaseResource resource, RequestDetails request) {
    checkWrite(request, resource, Interaction.CREATE);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void checkUpdate(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    checkWrite(request, previous, Interaction.UPDATE);
    checkWrite(request, updated, Interaction.UPDATE);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void checkDelete(IBaseResource resource, RequestDetails request) {
    checkWrite(request, resource, Interaction.DELETE);
  }

  private void checkWrite(RequestDetails request, IBaseResource resource, Interaction interaction) {
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    String type = resource.fhirType();
    Reach reach = GrantedScopes.of(requester.scopes()).reach(type, interaction);
    if (reach == Reach.NONE) {
      throw new ForbiddenOperationException(missing(type, interaction));
    }
    if (reach == Reach.PATIENT_COMPARTMENT) {
      Set<String> owners = compartment.owners(resource);
      if (requester.patientId() == null || !owners.equals(Set.of(requester.patientId()))) {
        throw new ForbiddenOperationException(
            "a patient/ scope writes only the record of Patient/"
                + requester.patientId()
                + ", and this "
                + type
                + " belongs "
                + (owners.isEmpty() ? "to no patient" : "elsewhere"));
      }
    }
  }

  private static void require(
      GrantedScopes scopes, String type, Interaction interaction, RestOperationTypeEnum op) {
    if (scopes.reach(type, interaction) == Reach.NONE) {
      throw new ForbiddenOperationException(
          missing(type, interaction) + " (" + op.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
  }

  static String missing(String type, Interaction interaction) {
    String letter = String.valueOf(interaction.letter());
    return "the token's scopes do not grant "
        + interaction.name().toLowerCase(java.util.Locale.ROOT)
        + " on "
        + ("*".equals(type) ? "all resource types" : type)
        + ": it needs patient/, user/ or system/"
        + type
        + "."
        + letter
        + " or a v1 equivalent such as user/"
        + type
        + "."
        + (interaction == Interaction.READ || interaction == Interaction.SEARCH ? "read" : "write");
  }
}
