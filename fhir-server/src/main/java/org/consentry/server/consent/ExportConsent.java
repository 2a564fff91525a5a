package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.consentry.consent.Requester;
import org.consentry.server.security.Requesters;
import org.consentry.server.security.StoredRequester;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Consent for Bulk Data exports. An export runs later, as a job with no HTTP request, so the
 * requester who asked for it is stored with the job's parameters at kick-off ({@link
 * ConsentRules}); this interceptor, registered with HAPI's storage interceptors (the job fires its
 * hook there), applies that requester's decisions to every resource the job would write. An export
 * without a stored requester was started by the server itself.
 */
@Interceptor
public final class ExportConsent {

  private static final String KEY = "consentry.requester";
  private static final String EXPORT_ID = "consentry.export-id";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsentEnforcement enforcement;

  ExportConsent(ConsentEnforcement enforcement) {
    this.enforcement = enforcement;
  }

  static void remember(BulkExportJobParameters parameters, Requester requester) {
    try {
      parameters.setUserData(KEY, JSON.writeValueAsString(StoredRequester.of(requester)));
      parameters.setUserData(EXPORT_ID, java.util.UUID.randomUUID().toString());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot store the export's requester", e);
    }
  }

  /**
   * The requester who asked for the export, if one was stored and is readable (an export the server
   * started itself has none).
   */
  public static java.util.Optional<Requester> requester(BulkExportJobParameters parameters) {
    Object stored =
        parameters == null || parameters.getUserData() == null
            ? null
            : parameters.getUserData().get(KEY);
    if (stored == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          JSON.readValue(stored.toString(), StoredRequester.class).toRequester());
    } catch (JsonProcessingException e) {
      return java.util.Optional.empty();
    }
  }

  /** The id given to the export at kick-off (one per export, kept by its job), or empty. */
  public static String exportId(BulkExportJobParameters parameters) {
    Object id =
        parameters == null || parameters.getUserData() == null
            ? null
            : parameters.getUserData().get(EXPORT_ID);
    return id == null ? "" : id.toString();
  }

  /**
   * Whether the export was asked for by the requester with this subject; false for an export
   * without a stored requester (started by the server) or with an unreadable one.
   */
  static boolean startedBy(BulkExportJobParameters parameters, String subject) {
    Object stored =
        parameters == null || parameters.getUserData() == null
            ? null
            : parameters.getUserData().get(KEY);
    if (stored == null) {
      return false;
    }
    try {
      return subject.equals(JSON.readValue(stored.toString(), StoredRequester.class).subject());
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * The work chunk this worker thread is deciding: HAPI calls the hook once per resource with the
   * chunk's own parameters instance, so the requester is read, and the consent generation fixed,
   * once per chunk (as once per request for a search), not once per resource.
   */
  private record Chunk(
      BulkExportJobParameters parameters, Requester requester, SystemRequestDetails request) {}

  private final ThreadLocal<Chunk> chunks = new ThreadLocal<>();

  @Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
  public boolean include(BulkExportJobParameters parameters, IBaseResource resource) {
    Object stored = parameters.getUserData() == null ? null : parameters.getUserData().get(KEY);
    if (stored == null) {
      return true;
    }
    Chunk chunk = chunks.get();
    if (chunk == null || chunk.parameters() != parameters) {
      Requester requester;
      try {
        requester = JSON.readValue(stored.toString(), StoredRequester.class).toRequester();
      } catch (JsonProcessingException e) {
        chunks.remove();
        return false; // fail closed: an unreadable requester sees nothing
      }
      SystemRequestDetails request = new SystemRequestDetails();
      Requesters.setOnInternalRequest(request, requester);
      chunk = new Chunk(parameters, requester, request);
      chunks.set(chunk);
    }
    try {
      return enforcement.decide(chunk.request(), chunk.requester(), resource);
    } finally {
      RequestState.forgetOwners(chunk.request()); // the chunk's resources are not kept by it
    }
  }
}
