package org.consentry.server.crypto;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.consent.ExportOutputAccess;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.core.annotation.Order;

/**
 * Decrypts on the way out, and only what will be shown.
 *
 * <ul>
 *   <li>{@code STORAGE_PRESHOW_RESOURCES}: HAPI fires it for read, vread, search pages (with {@code
 *       _include}/{@code _revinclude}), history and {@code $everything}, after the consent decision
 *       step ran at {@code STORAGE_PREACCESS_RESOURCES} or, earlier in this hook, so a resource
 *       consent hides is never decrypted. Its order (1000) puts it after consent's own masking at
 *       the same pointcut.
 *   <li>{@code SERVER_OUTGOING_RESPONSE} for writes (create, update, patch, transaction, batch)
 *       that return a representation: the stored object was encrypted in place, and the writer sent
 *       that plaintext itself.
 * </ul>
 *
 * The resources inside one are decrypted with it (Bundle entries at any depth, contained resources,
 * a patient's Binary data: {@link ResourceEncryption#decrypt}). A Bulk Data export file ({@code
 * Binary} of type {@code application/fhir+ndjson}) is decrypted line by line only when the server
 * wrote it for the requester who downloads it: it carries the export-requester security context
 * ({@link ExportOutputAccess#SYSTEM}, which clients cannot write) with that requester's subject.
 * Any other NDJSON Binary is shown as stored, so ciphertext copied from a database dump into an
 * upload stays ciphertext. Blind-index entries are removed from every Patient shown. A field whose
 * key was erased stays masked (see {@link FieldEncryptor#decrypt}).
 */
@Interceptor
@Order(Pipeline.DECRYPTION)
final class DecryptionInterceptor implements ServerInterceptor {

  private static final String NDJSON = "application/fhir+ndjson";
  private static final Set<RestOperationTypeEnum> WRITES =
      Set.of(
          RestOperationTypeEnum.CREATE,
          RestOperationTypeEnum.UPDATE,
          RestOperationTypeEnum.PATCH,
          RestOperationTypeEnum.TRANSACTION,
          RestOperationTypeEnum.BATCH);

  private final ResourceEncryption encryption;
  private final FhirContext fhir;

  DecryptionInterceptor(ResourceEncryption encryption, FhirContext fhir) {
    this.encryption = encryption;
    this.fhir = fhir;
  }

  @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = 1000)
  public void show(IPreResourceShowDetails details, RequestDetails request) {
    for (int i = 0; i < details.size(); i++) {
      show(details.getResource(i), request);
    }
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean written(RequestDetails request, ResponseDetails response) {
    if (WRITES.contains(request.getRestOperationType())) {
      show(response.getResponseResource(), request);
    }
    return true;
  }

  /** Whether a Binary is an export file the server wrote for this request's requester. */
  static boolean isExportFileFor(Binary binary, RequestDetails request) {
    if (!NDJSON.equals(binary.getContentType())
        || !binary.hasSecurityContext()
        || !binary.getSecurityContext().hasIdentifier()) {
      return false;
    }
    Identifier context = binary.getSecurityContext().getIdentifier();
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    return ExportOutputAccess.SYSTEM.equals(context.getSystem())
        && requester != null
        && requester.subject().equals(context.getValue());
  }

  /**
   * A Bulk Data export file: its resources were filtered by consent for the requester who asked for
   * it (and only that requester may read the file), so it is decrypted line by line as it is
   * downloaded; the stored file keeps the ciphertext.
   */
  private void showExportFile(Binary binary) {
    String text = new String(binary.getData(), StandardCharsets.UTF_8);
    if (!text.contains(FieldEncryptor.ENCRYPTED) && !text.contains(BlindIndexTokens.PREFIX)) {
      return; // nothing encrypted, no index entries (a de-identified file): shown as stored
    }
    IParser parser = fhir.newJsonParser().setPrettyPrint(false);
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!line.contains(FieldEncryptor.ENCRYPTED) && !line.contains(BlindIndexTokens.PREFIX)) {
        out.append(line).append('\n'); // nothing encrypted, no index entries: as stored
        continue;
      }
      IBaseResource parsed = parser.parseResource(line);
      show(parsed, null);
      out.append(parser.encodeResourceToString(parsed)).append('\n');
    }
    binary.setData(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void show(IBaseResource resource, RequestDetails request) {
    if (resource instanceof Bundle bundle) {
      bundle.getEntry().forEach(entry -> show(entry.getResource(), request));
      return;
    }
    if (resource instanceof Binary binary && binary.hasData() && isExportFileFor(binary, request)) {
      showExportFile(binary);
      return;
    }
    if (resource instanceof Resource r) {
      encryption.decrypt(r);
      if (r instanceof Patient patient) {
        BlindIndexTokens.strip(patient);
      }
    }
  }
}
