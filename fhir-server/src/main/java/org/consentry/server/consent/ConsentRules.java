package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.stream.Collectors;
import org.consentry.consent.Decision;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;

/**
 * The request-level rules of consent enforcement, next to the per-resource decisions of {@link
 * ConsentEnforcement}:
 *
 * <ul>
 *   <li>conditional writes (If-None-Exist, conditional update, patch, delete, also inside
 *       transactions) are for system clients only: their match could test hidden data;
 *   <li>search parameters whose matches could reveal data that consent hides and that cannot be
 *       resolved through what the requester may see ({@code _filter}, {@code _text}, {@code
 *       _content}) are refused with 400 (chains and {@code _has} are resolved by {@link
 *       LinkedSearches} before this runs);
 *   <li>a Consent is written only by its patient or by a system client recording it on the
 *       patient's behalf (403 for everyone else);
 *   <li>an update or delete of a resource the requester cannot see answers 404, as a read does;
 *   <li>a response that used emergency access says so ({@code X-Consentry-Access} header), and the
 *       audit step records it, once per patient;
 *   <li>a bulk export remembers who asked for it, so that its job applies that requester's consent
 *       decisions ({@link ExportConsent}).
 * </ul>
 */
@Interceptor
final class ConsentRules implements ServerInterceptor {

  static final String ACCESS_HEADER = "X-Consentry-Access";

  private final ConsentEnforcement enforcement;

  ConsentRules(ConsentEnforcement enforcement) {
    this.enforcement = enforcement;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void refuseRevealingParameters(RequestDetails request, RestOperationTypeEnum operation) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    if (requester.kind() != Requester.Kind.SYSTEM && isConditionalWrite(request, operation)) {
      throw new InvalidRequestException(
          "conditional create, update, patch and delete are for system clients:"
              + " their match could test data that patients' consent hides; write by id instead");
    }
    if (request.getParameters() == null) {
      return;
    }
    for (String name : request.getParameters().keySet()) {
      String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
      if (base.equals("_filter") || base.equals("_text") || base.equals("_content")) {
        throw new InvalidRequestException(
            "search parameter '"
                + name
                + "' is not supported: it tests other"
                + " resources, which patients' consent may hide; search those resources directly instead");
      }
    }
  }

  private static boolean isConditionalWrite(
      RequestDetails request, RestOperationTypeEnum operation) {
    return switch (operation) {
      case CREATE -> request.getHeader("If-None-Exist") != null;
      case UPDATE, PATCH, DELETE -> request.getId() == null || !request.getId().hasIdPart();
      case TRANSACTION, BATCH ->
          request.getResource() instanceof Bundle bundle
              && bundle.getEntry().stream()
                  .map(Bundle.BundleEntryComponent::getRequest)
                  .anyMatch(
                      r ->
                          r.hasIfNoneExist()
                              || r.getMethod() != Bundle.HTTPVerb.POST
                                  && r.getMethod() != Bundle.HTTPVerb.GET
                                  && r.getUrl() != null
                                  && r.getUrl().contains("?"));
      default -> false;
    };
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void checkCreate(IBaseResource resource, RequestDetails request) {
    checkConsentWriter(request, resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void checkUpdate(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    hiddenLooksAbsent(request, previous);
    checkConsentWriter(request, previous);
    checkConsentWriter(request, updated);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void checkDelete(IBaseResource resource, RequestDetails request) {
    hiddenLooksAbsent(request, resource);
    checkConsentWriter(request, resource);
  }

  private void hiddenLooksAbsent(RequestDetails request, IBaseResource existing) {
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    if (requester != null && !enforcement.decide(request, requester, existing)) {
      throw NotFound.of(existing.getIdElement());
    }
  }

  private static void checkConsentWriter(RequestDetails request, IBaseResource resource) {
    if (!(resource instanceof Consent consent) || request == null) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null || requester.kind() == Requester.Kind.SYSTEM) {
      return;
    }
    String patient = consent.getPatient().getReferenceElement().getIdPart();
    if (requester.kind() != Requester.Kind.PATIENT
        || patient == null
        || !requester.isPatient(patient)) {
      throw new ForbiddenOperationException(
          "a Consent is written only by its patient, or by a system client"
              + " recording it on the patient's behalf");
    }
  }

  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 100)
  public void markEmergencyAccess(RequestDetails request, HttpServletResponse response) {
    Map<String, Decision> emergencies = RequestState.emergencies(request);
    if (!emergencies.isEmpty() && response != null) {
      response.setHeader(
          ACCESS_HEADER,
          "emergency-override; patients="
              + emergencies.keySet().stream()
                  .map(p -> "Patient/" + p)
                  .collect(Collectors.joining(",")));
    }
  }

  @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
  public void rememberExportRequester(RequestDetails request, BulkExportJobParameters parameters) {
    Requesters.of(request)
        .ifPresent(
            requester -> {
              ExportConsent.remember(parameters, requester);
              parameters.setBinarySecurityContextIdentifierSystem(ExportOutputAccess.SYSTEM);
              parameters.setBinarySecurityContextIdentifierValue(requester.subject());
            });
  }
}
