package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Map;
import org.consentry.consent.Requester;
import org.consentry.server.door.ApiSurface.Level;
import org.consentry.server.door.ApiSurface.OperationRule;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;

/**
 * The door: the first step of every FHIR request after the token (see {@link
 * org.consentry.server.fhir.Pipeline}). It admits a request only if {@link ApiSurface} lists its
 * interaction or operation for the requester's kind, with parameters that {@link SearchParameters}
 * admits; anything else gets 403 (not on the list) or 400 (a parameter or value not offered) before
 * HAPI runs. An instance-level request is then admitted only for an instance the requester may see
 * ({@link Instances}), so that a hidden id answers exactly as a missing one, and a page only for
 * the requester who ran its search ({@link PageOwners}).
 */
@Interceptor
final class ApiDoor implements ServerInterceptor {

  private final SearchParameters parameters;
  private final PatchBodies patches;
  private final Instances instances;
  private final PageOwners pages;

  ApiDoor(SearchParameters parameters, Instances instances, PageOwners pages, PatchBodies patches) {
    this.parameters = parameters;
    this.instances = instances;
    this.pages = pages;
    this.patches = patches;
  }

  /**
   * Before HAPI picks the method that serves the request (and converts its parameters, where a
   * malformed number would end in a 500): values that no parameter may hold.
   */
  private static final String SCREENED = ApiDoor.class.getName() + ".screened";

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1000)
  public boolean screen(RequestDetails request) {
    if (request.getParameters() != null) {
      request.getParameters().forEach(parameters::checkValues);
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    Requester requester = Requesters.of(request).orElse(null);
    if (requester != null
        && (operation == RestOperationTypeEnum.SEARCH_TYPE
            || operation == RestOperationTypeEnum.SEARCH_SYSTEM)) {
      // searches are admitted here, before HAPI binds their parameters: the consent step that
      // follows adds its own (chains resolved, the consent view) to what was admitted
      requireListed(requester, operation, request.getResourceName());
      parameters.checkSearch(
          request.getResourceName(),
          request.getParameters() == null ? Map.of() : request.getParameters(),
          linked -> requireListed(requester, RestOperationTypeEnum.SEARCH_TYPE, linked));
      request.getUserData().put(SCREENED, Boolean.TRUE);
    }
    return true;
  }

  /**
   * A search inside a batch or transaction: HAPI binds it without the hooks that resolve chains and
   * {@code _has} through what the requester may see, so those are refused there.
   */
  private void admitEntrySearch(
      RequestDetails request,
      Requester requester,
      RestOperationTypeEnum operation,
      Map<String, String[]> query) {
    requireListed(requester, operation, request.getResourceName());
    for (String name : query.keySet()) {
      if (name.startsWith("_has") || !name.startsWith("_") && name.contains(".")) {
        throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
            "Search parameter '"
                + name
                + "' is not supported inside a batch or transaction: send that search on its own");
      }
    }
    parameters.checkSearch(request.getResourceName(), query, linked -> {});
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -1000)
  public void admit(RequestDetails request, RestOperationTypeEnum operation) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return; // the CapabilityStatement: open, and holds no patient data
    }
    Map<String, String[]> query =
        request.getParameters() == null ? Map.of() : request.getParameters();
    String type = request.getResourceName();
    switch (operation) {
      case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
          admitOperation(request, requester, operation, query);
      case GET_PAGE -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.PAGE, query, "a page request");
        pages.requireOwner(query.get("_getpages"), requester);
      }
      case SEARCH_TYPE, SEARCH_SYSTEM -> {
        if (!Boolean.TRUE.equals(request.getUserData().get(SCREENED))) {
          admitEntrySearch(
              request, requester, operation, query); // a batch entry: screen() did not run
        }
      }
      case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.HISTORY, query, "history");
        if (operation == RestOperationTypeEnum.HISTORY_INSTANCE) {
          instances.requireVisible(request, requester, type, request.getId());
        }
      }
      case READ, VREAD -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.FORMAT, query, operation.getCode());
        if (hasConditionalHeader(request)) {
          // HAPI answers 304 before any consent hook runs: decide first
          instances.requireVisible(request, requester, type, request.getId());
        } else {
          instances.requireWellFormed(type, request.getId());
        }
      }
      case UPDATE, PATCH, DELETE -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.FORMAT, query, operation.getCode());
        Instances.requireValidForWrite(type, request.getId());
        if (operation == RestOperationTypeEnum.PATCH) {
          patches.check(request);
        }
        if (requester.kind() != Requester.Kind.SYSTEM
            && request.getId() != null
            && request.getId().hasIdPart()) {
          // only what the requester can see may be changed; no creation by client id, which
          // would tell an existing hidden id from a free one
          instances.requireVisible(request, requester, type, request.getId());
        }
      }
      case TRANSACTION, BATCH -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.FORMAT, query, operation.getCode());
        WriteTargets.requireRequests(request.getResource());
        checkEntrySearchValues(request.getResource());
      }
      default -> {
        requireListed(requester, operation, type);
        parameters.checkOnly(SearchParameters.FORMAT, query, operation.getCode());
        String condition = request.getHeader("If-None-Exist");
        if (operation == RestOperationTypeEnum.CREATE
            && condition != null
            && !condition.isBlank()) {
          try {
            checkConditionValues(type == null ? "" : type, condition.trim());
          } catch (ca.uhn.fhir.rest.server.exceptions.InvalidRequestException refused) {
            throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                "If-None-Exist: " + refused.getMessage());
          }
        }
      }
    }
  }

  /**
   * The values of the searches a batch or transaction holds, before HAPI reads them: HAPI reads an
   * entry's parameters (a GET's, a conditional write's URL, an {@code ifNoneExist}) before any hook
   * sees the entry, and answers a value it cannot read (a malformed date, number or quantity, a
   * parameter without a value) as that entry's 500, or with the database's words. One such value
   * refuses the whole Bundle with a 400 that names the entry.
   */
  private void checkEntrySearchValues(org.hl7.fhir.instance.model.api.IBaseResource sent) {
    if (!(sent instanceof org.hl7.fhir.r4.model.Bundle bundle)) {
      return;
    }
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent entry =
          bundle.getEntry().get(i).getRequest();
      String url = entry.getUrl() == null ? "" : entry.getUrl();
      int question = url.indexOf('?');
      String type = question < 0 ? url : url.substring(0, question);
      try {
        if (question >= 0) {
          checkSearchValues(type, url.substring(question + 1));
        }
        if (entry.hasIfNoneExist()) {
          checkConditionValues(type, entry.getIfNoneExist());
        }
      } catch (ca.uhn.fhir.rest.server.exceptions.InvalidRequestException refused) {
        String method = entry.getMethod() == null ? "" : entry.getMethod().toCode() + " ";
        throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
            "Bundle entry " + i + " (" + method + type + "?...): " + refused.getMessage());
      }
    }
  }

  /**
   * A create's condition ({@code If-None-Exist}): {@code Type?params}, {@code ?params} or the
   * params alone, the last two of the created type.
   */
  private void checkConditionValues(String type, String condition) {
    int question = condition.indexOf('?');
    if (question > 0) {
      checkSearchValues(condition.substring(0, question), condition.substring(question + 1));
    } else if (question == 0) {
      checkSearchValues(type, condition.substring(1));
    } else {
      checkSearchValues(type, condition);
    }
  }

  private void checkSearchValues(String type, String queryString) {
    for (String segment : queryString.split("&")) {
      if (!segment.isEmpty() && !segment.contains("=")) {
        throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
            "a parameter has no value: write name=value");
      }
    }
    Map<String, String[]> values;
    try {
      values = ca.uhn.fhir.util.UrlUtil.parseQueryString(queryString);
    } catch (IllegalArgumentException e) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "a parameter holds a malformed %-escape: write % as %25, and %XX with two hex digits");
    }
    parameters.checkValuesOf(type.isEmpty() || type.contains("/") ? null : type, values);
  }

  private void admitOperation(
      RequestDetails request,
      Requester requester,
      RestOperationTypeEnum operation,
      Map<String, String[]> query) {
    Level level =
        switch (operation) {
          case EXTENDED_OPERATION_SERVER -> Level.SERVER;
          case EXTENDED_OPERATION_TYPE -> Level.TYPE;
          default -> Level.INSTANCE;
        };
    String name = request.getOperation();
    String type = request.getResourceName();
    OperationRule rule =
        ApiSurface.operation(requester.kind(), name, level, type)
            .orElseThrow(
                () ->
                    notListed(
                        requester,
                        (type == null ? "" : type + (level == Level.INSTANCE ? "/[id]/" : "/"))
                            + name));
    parameters.checkOnly(rule.parameters(), query, name);
    if ("$export-poll-status".equals(name)
        && request.getRequestType() != ca.uhn.fhir.rest.api.RequestTypeEnum.POST
        && !query.containsKey("_jobId")) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "$export-poll-status needs _jobId: the job id from the Content-Location of the kick-off");
    }
    if ("$export-poll-status".equals(name)
        && request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.POST
        && !(request.getResource() instanceof org.hl7.fhir.r4.model.Parameters)
        && !(request.getResource() == null && query.containsKey("_jobId"))) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "$export-poll-status by POST takes a Parameters resource naming _jobId (or _jobId in"
              + " the URL)");
    }
    if ("$export-poll-status".equals(name)
        && request.getResource() instanceof org.hl7.fhir.r4.model.Parameters body
        && body.getParameter().stream()
            .anyMatch(p -> !"_jobId".equals(p.getName()) || !p.hasValue())) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "$export-poll-status takes one parameter, _jobId, with the job id as its value");
    }
    if ("$subsumes".equals(name) && level != Level.INSTANCE && !namesASystem(request, query)) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "$subsumes needs the code system: system with codeA and codeB, or codingA and codingB"
              + " each with its system (or ask CodeSystem/ID/$subsumes)");
    }
    if (level == Level.INSTANCE && !isResearchExport(requester, name)) {
      instances.requireVisible(request, requester, type, request.getId());
    }
  }

  /**
   * Whether a {@code $subsumes} names its code system: a {@code system} value, or codings that
   * carry one ({@code codingA=system|code} in the URL, {@code valueCoding.system} in a body).
   */
  private static boolean namesASystem(RequestDetails request, Map<String, String[]> query) {
    if (query.containsKey("system")
        || java.util.stream.Stream.of("codingA", "codingB")
            .flatMap(n -> java.util.Arrays.stream(query.getOrDefault(n, new String[0])))
            .anyMatch(v -> v.indexOf('|') > 0)) {
      return true;
    }
    return request.getResource() instanceof org.hl7.fhir.r4.model.Parameters body
        && body.getParameter().stream()
            .anyMatch(
                p ->
                    "system".equals(p.getName()) && p.hasValue()
                        || p.getValue() instanceof org.hl7.fhir.r4.model.Coding coding
                            && coding.hasSystem());
  }

  /**
   * A researcher's {@code $export} names a study or its cohort Group, which the researcher may
   * never see as such (a cohort holds patients): the research step decides whether the study names
   * them, and answers a study or cohort they have none of as missing.
   */
  private static boolean isResearchExport(Requester requester, String operation) {
    return requester.kind() == Requester.Kind.RESEARCHER && "$export".equals(operation)
        || requester.kind() == Requester.Kind.AUDITOR; // the trail of any patient, never the record
  }

  private void requireListed(Requester requester, RestOperationTypeEnum operation, String type) {
    if (ApiSurface.AUDIT_TRAIL.equals(type)) {
      if (!ApiSurface.admitsAuditTrail(requester.kind(), operation)) {
        throw new ForbiddenOperationException(
            operation.getCode()
                + " on AuditEvent is not offered to "
                + kind(requester)
                + ": the audit trail is written by the server only, and read by patients (their"
                + " own) and auditors");
      }
      return;
    }
    if (ApiSurface.SUBSCRIPTIONS.equals(type)) {
      if (!ApiSurface.admitsSubscriptions(requester.kind(), operation)) {
        throw new ForbiddenOperationException(
            operation.getCode()
                + " on Subscription is not offered to "
                + kind(requester)
                + ": practitioners and EHR systems subscribe, each to what consent lets them see");
      }
      return;
    }
    boolean patientData = type != null && isPatientData(type);
    if (!ApiSurface.admits(requester.kind(), operation, patientData)
        && !("Binary".equals(type) && ApiSurface.admitsExportFiles(requester.kind(), operation))) {
      throw notListed(requester, operation.getCode() + (type == null ? "" : " on " + type));
    }
  }

  /** Types that may hold patient data: all but the directory types. */
  private static boolean isPatientData(String type) {
    return !DirectoryTypes.contains(type);
  }

  private static boolean hasConditionalHeader(RequestDetails request) {
    return request.getHeader("If-None-Match") != null
        || request.getHeader("If-Modified-Since") != null;
  }

  private static ForbiddenOperationException notListed(Requester requester, String what) {
    return new ForbiddenOperationException(
        what
            + " is not offered to "
            + kind(requester)
            + " on this server (see the API surface in the README)");
  }

  private static String kind(Requester requester) {
    return switch (requester.kind()) {
      case PATIENT -> "patients";
      case PRACTITIONER -> "practitioners";
      case SYSTEM -> "system clients";
      case RESEARCHER -> "researchers";
      case AUDITOR -> "auditors";
    };
  }
}
