package org.consentry.server.crypto;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.stream.Collectors;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Refuses, with 400, a resource written by a REST requester that carries a marker only the server
 * sets ({@link ServerMarkers}: an encrypted-field marker, a blind-index identifier, the
 * export-requester security context), anywhere inside it, on every write path that reaches storage
 * (create, update, patch, conditional writes, transaction and batch entries). Without this, a
 * client could store plaintext that the encryption step takes for ciphertext, or make the server
 * decrypt ciphertext copied from a database dump.
 *
 * <p>An update may keep a marker whose exact value the previous stored version holds: a PATCH is
 * applied to the stored, encrypted form. Server-internal writes (no requester: key rotation,
 * erasure, relabelling, export jobs) are not checked. Registered with HAPI's storage interceptors
 * whether encryption is on or off (decryption always runs), and ordered before the encryption step,
 * which sees the markers it writes itself.
 */
@Interceptor
final class ServerMarkerGuard {

  static final int ORDER = EncryptionInterceptor.ORDER - 10;

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource, null, request);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(resource, previous, request);
  }

  private static void check(IBaseResource written, IBaseResource previous, RequestDetails request) {
    if (!(written instanceof Resource resource)
        || request == null
        || Requesters.of(request).isEmpty()) {
      return;
    }
    List<ServerMarkers.Marker> refused =
        ServerMarkers.notAllowed(resource, previous instanceof Resource stored ? stored : null);
    if (!refused.isEmpty()) {
      throw new InvalidRequestException(
          "Encryption markers are set by the server only: "
              + refused.stream()
                  .map(ServerMarkerGuard::describe)
                  .distinct()
                  .collect(Collectors.joining("; "))
              + ". Send plaintext values; the server encrypts them.");
    }
  }

  private static String describe(ServerMarkers.Marker marker) {
    return switch (marker.kind()) {
      case ENCRYPTED_FIELD -> marker.path() + " carries the extension " + FieldEncryptor.ENCRYPTED;
      case BLIND_INDEX ->
          marker.path()
              + " has a blind-index identifier (system "
              + BlindIndexTokens.PREFIX
              + "...)";
      case EXPORT_REQUESTER -> marker.path() + " uses the system of Bulk Data export files";
    };
  }
}
