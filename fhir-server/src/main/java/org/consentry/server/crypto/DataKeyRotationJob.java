package org.consentry.server.crypto;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.consentry.crypto.KeyDestroyedException;
import org.consentry.crypto.KeyRing;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-key rotation: makes a new version of each data key (all, or the given key ids), then
 * re-encrypts every current resource version holding a field under one of them, through a
 * version-checked update (a resource changed meanwhile was re-encrypted by that write; it is
 * skipped). Older resource versions (history) keep their ciphertext under the older data-key
 * versions, which stay stored so they still decrypt; erasure destroys all versions alike.
 */
final class DataKeyRotationJob implements Runnable {

  enum Status {
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED
  }

  private static final int PAGE = 500;
  private static final Logger LOG = LoggerFactory.getLogger(DataKeyRotationJob.class);

  private final String id = UUID.randomUUID().toString();
  private final DaoRegistry daos;
  private final KeyRing keyRing;
  private final JdbcDataKeyStore store;
  private final ResourceEncryption encryption;
  private final Set<String> onlyKeyIds;
  private final AtomicLong keys = new AtomicLong();
  private final AtomicLong scanned = new AtomicLong();
  private final AtomicLong reencrypted = new AtomicLong();
  private volatile Status status = Status.QUEUED;
  private volatile String error;

  /** {@code onlyKeyIds} empty: every key id. */
  DataKeyRotationJob(
      DaoRegistry daos,
      KeyRing keyRing,
      JdbcDataKeyStore store,
      ResourceEncryption encryption,
      Set<String> onlyKeyIds) {
    this.daos = daos;
    this.keyRing = keyRing;
    this.store = store;
    this.encryption = encryption;
    this.onlyKeyIds = onlyKeyIds;
  }

  @Override
  public void run() {
    status = Status.RUNNING;
    try {
      List<String> keyIds = onlyKeyIds.isEmpty() ? store.keyIds() : List.copyOf(onlyKeyIds);
      for (String keyId : keyIds) {
        try {
          keyRing.rotateDataKey(keyId);
          keys.incrementAndGet();
        } catch (KeyDestroyedException e) {
          // erased meanwhile: nothing of it can be re-encrypted
        }
      }
      List<String> types = new ArrayList<>(daos.getRegisteredDaoTypes());
      types.sort(null);
      for (String type : types) {
        reencrypt(daos.getResourceDao(type));
      }
      status = Status.COMPLETED;
    } catch (RuntimeException e) {
      error = e.getMessage();
      status = Status.FAILED;
    }
  }

  private void reencrypt(IFhirResourceDao<IBaseResource> dao) {
    IBundleProvider results = dao.search(new SearchParameterMap(), new SystemRequestDetails());
    for (int from = 0; ; from += PAGE) {
      List<IBaseResource> page = results.getResources(from, from + PAGE);
      if (page.isEmpty()) {
        return;
      }
      for (IBaseResource resource : page) {
        scanned.incrementAndGet();
        if (resource instanceof Resource r && concerned(r)) {
          try {
            // the version in the id makes HAPI refuse the update if the resource changed meanwhile
            encryption.decrypt(r);
            dao.update(r, new SystemRequestDetails());
            reencrypted.incrementAndGet();
          } catch (ResourceVersionConflictException e) {
            // updated concurrently: that write encrypted it under the new key version
          } catch (InvalidRequestException | UnprocessableEntityException e) {
            // no longer writable as it is (an erased patient's entry, a Binary whose security
            // context was deleted): it keeps its ciphertext under the older key version, still
            // readable
            LOG.warn(
                "{} not re-encrypted: {}",
                r.getIdElement().toUnqualifiedVersionless().getValue(),
                e.getMessage());
          }
        }
      }
    }
  }

  private boolean concerned(Resource resource) {
    List<String> keyIds = FieldEncryptor.keyIdsOf(resource);
    return !keyIds.isEmpty()
        && (onlyKeyIds.isEmpty() || keyIds.stream().anyMatch(onlyKeyIds::contains));
  }

  String id() {
    return id;
  }

  Status status() {
    return status;
  }

  long keys() {
    return keys.get();
  }

  long scanned() {
    return scanned.get();
  }

  long reencrypted() {
    return reencrypted.get();
  }

  String error() {
    return error;
  }
}
