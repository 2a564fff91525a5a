package org.consentry.server.crypto;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts the policy's elements of every resource just before HAPI stores it, on every write path
 * that reaches storage (create, update, patch, conditional writes, transaction and batch entries,
 * internal writes, the importer), the resources inside it included (Bundle entries, contained
 * resources, a patient's Binary data: see {@link ResourceEncryption}). Registered with HAPI's JPA
 * interceptor service with an order after the sensitivity labeller (order 0), so a resource
 * labelled restricted on this write is already labelled, and after {@link ServerMarkerGuard}, which
 * refused any marker a client sent. The resource object is changed in place, so HAPI's search
 * indexes and HFJ_RES_VER only ever see ciphertext; a Patient also gets its blind-index tokens.
 *
 * <p>Fail closed: if encryption fails nothing is stored. A write for a patient whose key was erased
 * answers 422; a server-side key failure (keystore, key store) answers 500.
 */
@Interceptor
final class EncryptionInterceptor {

  static final int ORDER = 100;
  private static final Logger LOG = LoggerFactory.getLogger(EncryptionInterceptor.class);

  private final ResourceEncryption encryption;
  private final BlindIndexTokens tokens;
  private final KeyOwners owners;

  EncryptionInterceptor(ResourceEncryption encryption, BlindIndexTokens tokens, KeyOwners owners) {
    this.encryption = encryption;
    this.tokens = tokens;
    this.owners = owners;
  }

  /**
   * Keeps the transaction Bundle at hand: its entries tell which patient a {@code urn:uuid:}
   * reference is.
   */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void transaction(IBaseBundle bundle, RequestDetails request) {
    KeyOwners.rememberTransaction(bundle, request);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void created(
      IBaseResource resource, TransactionDetails transaction, RequestDetails request) {
    encrypt(resource, transaction, request, false);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void updated(
      IBaseResource previous,
      IBaseResource resource,
      TransactionDetails transaction,
      RequestDetails request) {
    encrypt(resource, transaction, request, true);
  }

  private void encrypt(
      IBaseResource stored,
      TransactionDetails transaction,
      RequestDetails request,
      boolean update) {
    if (!(stored instanceof Resource resource)) {
      return;
    }
    String keyId = owners.of(resource, transaction, request);
    try {
      if (update) {
        // a patch or a re-encryption starts from the stored form: back to plaintext first,
        // so blind-index tokens are computed from it and every field is encrypted afresh
        encryption.decrypt(resource);
      }
      List<Identifier> patientTokens =
          resource instanceof Patient patient ? tokens.tokensOf(patient) : List.of();
      encryption.encrypt(resource, keyId);
      if (resource instanceof Patient patient) {
        patientTokens.forEach(patient::addIdentifier);
      }
    } catch (BaseServerResponseException e) {
      throw e; // an erased patient (422), an owner that cannot be found (400)
    } catch (RuntimeException e) {
      LOG.error(
          "encrypting {}/{} failed; nothing was stored",
          resource.fhirType(),
          resource.getIdElement().getIdPart(),
          e);
      throw new InternalErrorException(
          "Encryption failed on the server (key store or keystore); nothing was stored");
    }
  }
}
