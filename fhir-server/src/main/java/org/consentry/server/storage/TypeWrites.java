package org.consentry.server.storage;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Runs an action once a resource of a given type was created, changed or deleted by any path
 * (registered with HAPI's storage interceptors, so transactions and the server's own writes count
 * too) and the write committed ({@link AfterCommit}): a node-local cache to drop, a counter to bump
 * for the other nodes. A write that rolls back runs nothing.
 */
@Interceptor
public final class TypeWrites {

  private final Map<String, Runnable> actions;

  /**
   * @param actions what to run after a committed write, by resource type
   */
  public TypeWrites(Map<String, Runnable> actions) {
    this.actions = Map.copyOf(actions);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    written(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated) {
    written(updated);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    written(resource);
  }

  private void written(IBaseResource resource) {
    Runnable action = actions.get(resource.fhirType());
    if (action != null) {
      AfterCommit.run(action);
    }
  }
}
