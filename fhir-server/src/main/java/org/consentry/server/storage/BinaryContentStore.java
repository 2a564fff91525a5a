package org.consentry.server.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.HapiExtensions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.consentry.server.fhir.Pipeline;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Binary;

/**
 * Keeps the content of large {@code Binary} resources (Bulk Data export files above all) as raw
 * bytes in HAPI's binary storage table instead of as base64 text inside the resource: HAPI's own
 * {@link BinaryStorageInterceptor}, limited to {@code Binary} resources and placed in the pipeline.
 *
 * <p>Stored inside the resource, a 1 MB export file was base64-encoded five times and parsed once
 * between the job writing it and a client downloading it (its content, the resource's history row,
 * the subscription message of the change, the parse on read, decryption). Kept apart, the resource
 * row is small and the bytes are read once, when shown: downloads of an export took half the time.
 *
 * <ul>
 *   <li>Content is taken out after encryption ({@link Pipeline#BINARY_STORE}): a patient's Binary
 *       data is ciphertext in an extension by then and is not moved; what is moved is what would
 *       have been stored in the resource row as it is.
 *   <li>Content is put back when the Binary is shown, after the consent and export-file decisions
 *       and before decryption ({@link Pipeline#BINARY_SHOW}), so a hidden Binary's bytes are never
 *       read.
 *   <li>The extension that names a stored content is HAPI's to write: a client that sends it is
 *       refused (400), on create as on update, so no Binary can be made to point at another's
 *       content.
 * </ul>
 */
@Interceptor
public final class BinaryContentStore extends BinaryStorageInterceptor<Base64BinaryType> {

  public BinaryContentStore(FhirContext fhir) {
    super(fhir);
  }

  @Override
  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = Pipeline.BINARY_STORE)
  public void extractLargeBinariesBeforeCreate(
      RequestDetails request,
      TransactionDetails transaction,
      IBaseResource resource,
      Pointcut pointcut)
      throws IOException {
    if (resource instanceof Binary binary) {
      refuseStorageExtensions(binary);
      super.extractLargeBinariesBeforeCreate(request, transaction, resource, pointcut);
    }
  }

  @Override
  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = Pipeline.BINARY_STORE)
  public void extractLargeBinariesBeforeUpdate(
      RequestDetails request,
      TransactionDetails transaction,
      IBaseResource previous,
      IBaseResource resource,
      Pointcut pointcut)
      throws IOException {
    if (resource instanceof Binary) {
      super.extractLargeBinariesBeforeUpdate(request, transaction, previous, resource, pointcut);
    }
  }

  @Override
  @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = Pipeline.BINARY_SHOW)
  public void preShow(IPreResourceShowDetails details, RequestDetails request) throws IOException {
    List<IBaseResource> binaries = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      if (details.getResource(i) instanceof Binary binary && !binary.getDataElement().hasValue()) {
        binaries.add(binary);
      }
    }
    if (!binaries.isEmpty()) {
      super.preShow(new SimplePreResourceShowDetails(binaries), request);
    }
  }

  private static void refuseStorageExtensions(Binary binary) {
    if (binary.getDataElement().hasExtension(HapiExtensions.EXT_EXTERNALIZED_BINARY_ID)
        || binary
            .getDataElement()
            .hasExtension(HapiExtensions.EXT_EXTERNALIZED_BINARY_HASH_SHA_256)) {
      throw new InvalidRequestException(
          "Binary.data carries an extension the server reserves for its own storage ("
              + HapiExtensions.EXT_EXTERNALIZED_BINARY_ID
              + "); send the content in Binary.data instead");
    }
  }
}
