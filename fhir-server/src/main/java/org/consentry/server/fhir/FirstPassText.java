package org.consentry.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceAddress;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceAddressMetadataKey;
import ca.uhn.fhir.jpa.esr.IExternallyStoredResourceService;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The text of a resource a transaction Bundle creates, encoded once instead of twice.
 *
 * <p>HAPI's first pass over a transaction writes each new resource with its placeholder references;
 * it encodes the resource to JSON for that row, and Hibernate sends that JSON to the database in
 * the row's insert. The second pass puts the real references in, encodes it again and the row is
 * updated with that text, which is the one kept. So the first text is encoded, hashed and sent only
 * to be replaced in the same database transaction.
 *
 * <p>Through HAPI's externally-stored-resource extension point, the first pass stores a short
 * marker instead ({@link #defer}, called by {@link IndexOncePerWrite} for a new resource written
 * without indexing); the second pass takes the marker off before HAPI encodes the resource ({@link
 * #restore}), so the row gets its JSON and the marker never outlives the transaction. Should a
 * resource reach the end of the transaction still marked, the transaction fails and nothing of it
 * is written ({@link #everyTextStored}). The marker is never read: a read of one fails closed.
 *
 * <p>Measured on a Synthea import (fresh servers, old new new old, 4 rounds after 5): the server's
 * CPU per resource 0.91 times what it was, PostgreSQL's 0.96, resources per second 1.04 times.
 */
@Interceptor
final class FirstPassText implements IExternallyStoredResourceService {

  static final String PROVIDER = "consentry-first-pass";

  private static final ExternallyStoredResourceAddress MARKER =
      new ExternallyStoredResourceAddress(PROVIDER, "text-of-the-second-pass");

  private static final String PENDING = FirstPassText.class.getName() + ".pending";

  @Override
  public String getId() {
    return PROVIDER;
  }

  @Override
  public IBaseResource fetchResource(String address) {
    throw new InternalErrorException(
        "A stored resource has no text: it was written by a transaction's first pass, whose text is"
            + " replaced before the transaction commits");
  }

  /**
   * First pass, a new resource: HAPI stores the marker instead of encoding the resource. Should the
   * transaction roll back (HAPI may then run it again, with the same resources), the marker comes
   * off with HAPI's other undo actions.
   */
  void defer(IBaseResource resource, TransactionDetails transaction) {
    ExternallyStoredResourceAddressMetadataKey.INSTANCE.put(resource, MARKER);
    pending(transaction).add(resource);
    transaction.addRollbackUndoAction(() -> restore(resource, transaction));
  }

  /** Second pass: the marker comes off, so HAPI encodes the resource and stores its text. */
  void restore(IBaseResource resource, TransactionDetails transaction) {
    if (ExternallyStoredResourceAddressMetadataKey.INSTANCE.get(resource) == MARKER) {
      ExternallyStoredResourceAddressMetadataKey.INSTANCE.put(resource, null);
      pending(transaction).remove(resource);
    }
  }

  /** Within the transaction, after both passes: a resource still marked fails the transaction. */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSED)
  public void everyTextStored(TransactionDetails transaction) {
    Set<IBaseResource> left = transaction.getUserData(PENDING);
    if (left != null && !left.isEmpty()) {
      throw new InternalErrorException(
          left.size()
              + " resource(s) of this transaction reached its end without their text; nothing of"
              + " the transaction was written");
    }
  }

  private static Set<IBaseResource> pending(TransactionDetails transaction) {
    return transaction.getOrCreateUserData(
        PENDING, () -> Collections.newSetFromMap(new IdentityHashMap<>()));
  }
}
