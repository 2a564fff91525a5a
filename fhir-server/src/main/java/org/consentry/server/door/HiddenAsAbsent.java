package org.consentry.server.door;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last word on every error answer. HAPI words a not-found differently by cause (missing,
 * deleted, hidden by a consent hook, an unknown version, a page of an unknown search), so every
 * such answer about an instance becomes the one {@link NotFound} answer, in plain responses and
 * inside batch and transaction responses alike; a page of an unknown search gets the one answer of
 * {@link PageOwners#gone}. A server failure (5xx) never carries internal text (SQL, class names):
 * it says that it was logged, with a reference to find it in the log.
 */
@Interceptor
final class HiddenAsAbsent implements ServerInterceptor {

  /**
   * Text that belongs in the server log, never in an answer: SQL, database and JVM internals, and
   * Java exception class names (a parser library's, inside HAPI's message).
   */
  private static final String DATABASE_AND_JVM =
      "\\binsert into\\b|\\bselect .* from\\b|\\bupdate \\w+ set\\b|SQLState|could not execute|ERROR: |"
          + "org\\.(hibernate|postgresql|springframework)|java\\.(lang|util|sql)\\.|\\bjdbc\\b|"
          + "com\\.(fasterxml|github|ctc)\\.|StreamReadConstraints|DataFormatException at|@[0-9a-f]{6,}\\b|"
          + "(?-i:\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*(Exception|Error)\\b)";

  private static final java.util.regex.Pattern INTERNAL =
      java.util.regex.Pattern.compile(
          "(?i)(" + DATABASE_AND_JVM + "|\\bat [a-z][a-z0-9_]*\\.[a-z])");

  /**
   * The same without stack-frame lines ("at org.x..."), which a batch entry's HAPI message can look
   * like ("Invalid reference at Consent.provision..."): an entry keeps such words.
   */
  private static final java.util.regex.Pattern INTERNAL_IN_ENTRY =
      java.util.regex.Pattern.compile("(?i)(" + DATABASE_AND_JVM + ")");

  private static final String SENT = HiddenAsAbsent.class.getName() + ".sent";

  private final Instances instances;

  HiddenAsAbsent(Instances instances) {
    this.instances = instances;
  }

  private static final Logger log = LoggerFactory.getLogger(HiddenAsAbsent.class);
  private static final Set<RestOperationTypeEnum> BUNDLES =
      Set.of(RestOperationTypeEnum.BATCH, RestOperationTypeEnum.TRANSACTION);

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException answer(RequestDetails request, Throwable exception) {
    int status = exception instanceof BaseServerResponseException e ? e.getStatusCode() : 500;
    if (status == 501 && exception instanceof BaseServerResponseException e) {
      // HAPI's 501 answers describe the request (a sort or a modifier HAPI lacks): the client's to
      // change
      return new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(e.getMessage());
    }
    if (status == 503
        && exception
            instanceof ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException e) {
      return e; // the server's own words: the audit trail cannot be written, try again later
    }
    String unexpandable = status >= 500 ? unexpandable(exception) : null;
    if (unexpandable != null) {
      // a value set that names a code system or value set this server does not have: HAPI fails
      // the expansion as an internal error, but it is about what was asked
      return new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException(unexpandable);
    }
    if (status >= 500 && "$validate".equals(request.getOperation()) && malformed(exception)) {
      // the validator reads the raw JSON itself, and fails on an element of the wrong kind
      return new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "The resource to validate could not be read as FHIR: check that each element has the"
              + " kind FHIR gives it (an object, an array, a string...) and that 'resource' is a"
              + " resource");
    }
    if (status >= 500 && causedByInput(exception)) {
      return new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "A value in the request has the wrong form (a number, date or code was expected): check the parameters"
              + " and the body");
    }
    if (status >= 500) {
      String reference = UUID.randomUUID().toString().substring(0, 8);
      log.error(
          "request {} {} failed (reference {})",
          request.getRequestType(),
          request.getRequestPath(),
          reference,
          exception);
      return new InternalErrorException(
          "The server could not process this request; the failure was logged with"
              + " reference "
              + reference
              + ". Nothing was stored if it was a write.");
    }
    if (exception instanceof BaseServerResponseException e
        && INTERNAL.matcher(String.valueOf(e.getMessage())).find()) {
      // a 4xx whose text comes from the database or the JVM (HAPI turns constraint failures into
      // 409s)
      log.warn(
          "request {} {} refused with internal text in its message",
          request.getRequestType(),
          request.getRequestPath(),
          exception);
      return status == 409 || status == 412
          ? new ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException(
              "The request conflicts with what is stored; nothing was written")
          : new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
              "The request could not be processed as sent; check its parameters and body");
    }
    if ((status == 409 || status == 412) && !isSystem(request)) {
      // HAPI's conflict messages name the resources that reference the target, which may be hidden;
      // the log keeps HAPI's own words (a failed delete or a concurrent write is found there)
      log.info(
          "request {} {} answered {} with the generic conflict message",
          request.getRequestType(),
          request.getRequestPath(),
          status,
          exception);
      return new ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException(
          "The request conflicts with what is stored (another version, or other resources still refer to this"
              + " one); nothing was written");
    }
    if (!(exception instanceof ResourceNotFoundException)
        && !(exception instanceof ResourceGoneException)) {
      return null;
    }
    if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE) {
      String[] page =
          request.getParameters() == null ? null : request.getParameters().get("_getpages");
      return PageOwners.gone(page == null || page.length == 0 ? "(none)" : page[0]);
    }
    if (request.getResourceName() != null
        && request.getId() != null
        && request.getId().hasIdPart()) {
      return NotFound.of(request.getResourceName(), request.getId().getIdPart());
    }
    return null;
  }

  private static boolean isSystem(RequestDetails request) {
    try {
      return Requesters.of(request).map(r -> r.kind() == Requester.Kind.SYSTEM).orElse(true);
    } catch (RuntimeException noRequester) {
      return false;
    }
  }

  /**
   * A server failure whose cause is what the client sent: a value HAPI could not convert, or a
   * failure raised while HAPI was still reading the request (its parsers, parameter binding, patch
   * documents) rather than while serving it.
   */
  static boolean causedByInput(Throwable exception) {
    Throwable root = exception;
    for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof NumberFormatException
          || t instanceof ca.uhn.fhir.parser.DataFormatException
          || t instanceof java.time.format.DateTimeParseException) {
        return true;
      }
      root = t;
    }
    StackTraceElement[] frames = root.getStackTrace();
    // a parser's own checks (Validate.notNull inside FhirContext) sit a few frames above it
    for (int i = 0; i < Math.min(frames.length, 5); i++) {
      String where = frames[i].getClassName();
      if (READING.stream().anyMatch(where::startsWith)) {
        return true;
      }
    }
    return false;
  }

  private static boolean malformed(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ClassCastException
          || t instanceof ca.uhn.fhir.context.ConfigurationException) {
        return true;
      }
      StackTraceElement[] frames = t.getStackTrace();
      if (t.getCause() == null
          && frames.length > 0
          && frames[0].getClassName().startsWith("org.hl7.fhir.r5.elementmodel.")) {
        // the validator's own reader of the sent JSON or XML failed on it (an element given twice,
        // an XML resource without its element)
        return true;
      }
    }
    return false;
  }

  /**
   * The words of HAPI's "this value set cannot be expanded here" (a code system or value set it
   * names is unknown), without HAPI's message code; null for any other failure.
   */
  static String unexpandable(Throwable exception) {
    String marker = "ExpansionCouldNotBeCompletedInternallyException: ";
    for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // HAPI wraps it by its text (HAPI-0888), not as a cause
      String message = String.valueOf(t.getMessage());
      int at = message.indexOf(marker);
      if (at >= 0) {
        return message.substring(at + marker.length()).replaceFirst("^HAPI-\\d+: ", "");
      }
    }
    return null;
  }

  /** Where HAPI reads a request: a failure thrown here is about the request's content. */
  private static final java.util.List<String> READING =
      java.util.List.of(
          "ca.uhn.fhir.parser.",
          "ca.uhn.fhir.rest.param.",
          "ca.uhn.fhir.jpa.patch.",
          "com.github.fge.jsonpatch.",
          "ca.uhn.fhir.util.UrlUtil");

  /** Keeps the Bundle a client sent, to know which resource each entry of the response is about. */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void rememberSent(IBaseBundle bundle, RequestDetails request) {
    if (request != null) {
      request.getUserData().put(SENT, bundle);
    }
  }

  /** Batch and transaction responses: a not-found entry reads like a not-found request. */
  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void answerEntries(RequestDetails request, ResponseDetails response) {
    Object sentBundle =
        request.getResource() instanceof Bundle b ? b : request.getUserData().get(SENT);
    if (!BUNDLES.contains(request.getRestOperationType())
        || !(response.getResponseResource() instanceof Bundle bundle)
        || !(sentBundle instanceof Bundle sent)) {
      return;
    }
    for (int i = 0; i < bundle.getEntry().size() && i < sent.getEntry().size(); i++) {
      Bundle.BundleEntryResponseComponent entry = bundle.getEntry().get(i).getResponse();
      String status = entry.getStatus() == null ? "" : entry.getStatus();
      if (!status.startsWith("404") && !status.startsWith("410")) {
        withoutInternalText(request, i, status, entry);
        continue;
      }
      IdType id = new IdType(stripQuery(sent.getEntry().get(i).getRequest().getUrl()));
      if (!id.hasResourceType() || !id.hasIdPart()) {
        continue;
      }
      entry.setStatus("404 Not Found");
      entry.setEtag(null);
      entry.setLastModified(null);
      entry.setLocation(null);
      OperationOutcome outcome = new OperationOutcome();
      outcome
          .addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.ERROR)
          .setCode(OperationOutcome.IssueType.PROCESSING)
          .setDiagnostics(NotFound.message(id.getResourceType(), id.getIdPart()));
      entry.setOutcome(outcome);
    }
  }

  /**
   * An entry's outcome that carries internal text (HAPI puts an entry's exception message there,
   * SQL included) says, instead, where the server log has it; a failed entry's (5xx) always does.
   */
  private static void withoutInternalText(
      RequestDetails request, int index, String status, Bundle.BundleEntryResponseComponent entry) {
    if (!(entry.getOutcome() instanceof OperationOutcome outcome)) {
      return;
    }
    boolean failed = status.startsWith("5");
    for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      String text = issue.getDiagnostics();
      if (text == null || !(failed || INTERNAL_IN_ENTRY.matcher(text).find())) {
        continue;
      }
      // a failure gets a reference to find it in the log; a refusal's answer stays the same for
      // the same request, so that it cannot tell one hidden resource from another
      String reference = failed ? UUID.randomUUID().toString().substring(0, 8) : "-";
      log.warn(
          "request {} {}: entry {} answered {} with internal text (reference {}): {}",
          request.getRequestType(),
          request.getRequestPath(),
          index,
          status,
          reference,
          text);
      issue.setDiagnostics(
          failed
              ? "The server could not process this entry; the failure was logged with reference "
                  + reference
                  + "."
              : "This entry could not be processed as sent; check its URL, parameters and"
                  + " resource");
    }
  }

  private static String stripQuery(String url) {
    if (url == null) {
      return "";
    }
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  /**
   * Type and server history: a deleted version carries no resource for the consent hooks to decide,
   * so it is kept only if the version before it may be seen.
   */
  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void answerDeletedVersions(RequestDetails request, ResponseDetails response) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation != RestOperationTypeEnum.HISTORY_TYPE
        && operation != RestOperationTypeEnum.HISTORY_SYSTEM
        && operation != RestOperationTypeEnum.GET_PAGE) {
      return;
    }
    if (!(response.getResponseResource() instanceof Bundle bundle)
        || bundle.getType() != Bundle.BundleType.HISTORY) {
      return;
    }
    Requester requester = Requesters.of(request).orElse(null);
    if (requester == null) {
      return;
    }
    for (Iterator<Bundle.BundleEntryComponent> it = bundle.getEntry().iterator(); it.hasNext(); ) {
      Bundle.BundleEntryComponent entry = it.next();
      if (!entry.hasResource()
          && !instances.visibleBeforeDeletion(request, requester, versionOf(entry))) {
        it.remove();
      }
    }
  }

  /**
   * {@code Type/id/_history/v} of a history entry, from its full URL and, failing that, its ETag.
   */
  private static IdType versionOf(Bundle.BundleEntryComponent entry) {
    IdType id = new IdType(entry.getFullUrl() == null ? "" : entry.getFullUrl());
    if (id.hasVersionIdPart() || !id.hasResourceType() || !id.hasIdPart()) {
      return id;
    }
    String etag = entry.getResponse().getEtag();
    String version = etag == null ? "" : etag.replaceAll("[^0-9]", "");
    return new IdType(id.getResourceType(), id.getIdPart(), version.isEmpty() ? null : version);
  }
}
