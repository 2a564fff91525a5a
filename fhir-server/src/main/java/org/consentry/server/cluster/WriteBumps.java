package org.consentry.server.cluster;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Map;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.storage.AfterCommit;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Bumps a topic's generation once a resource of a type it follows was created, changed or deleted
 * and the write committed, so that every node's cache of that type (each follows the topic) knows
 * to refresh. A write that rolls back bumps nothing.
 */
@Interceptor
public final class WriteBumps {

  private final Generations generations;
  private final Map<String, Topic> topics;

  /**
   * @param topics the topic each resource type bumps
   */
  public WriteBumps(Generations generations, Map<String, Topic> topics) {
    this.generations = generations;
    this.topics = Map.copyOf(topics);
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
    Topic topic = topics.get(resource.fhirType());
    if (topic != null) {
      AfterCommit.run(() -> generations.bump(topic));
    }
  }
}
