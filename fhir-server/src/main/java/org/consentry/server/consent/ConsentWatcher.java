package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.consentry.server.storage.AfterCommit;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Invalidates cached consents when a Consent is created, updated or deleted by any path (registered
 * with HAPI's storage interceptors, so transactions and internal writes count too). The
 * invalidation happens after the commit, so the next request reads the new Consent.
 */
@Interceptor
final class ConsentWatcher {

  private final ConsentCache cache;

  ConsentWatcher(ConsentCache cache) {
    this.cache = cache;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    changed(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated) {
    changed(updated);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    changed(resource);
  }

  private void changed(IBaseResource resource) {
    if (!"Consent".equals(resource.fhirType())) {
      return;
    }
    AfterCommit.run(cache::invalidate);
  }
}
