package org.consentry.server.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import java.util.function.Supplier;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.storage.AfterCommit;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Subscriptions on several nodes. Every node takes stored changes from the shared table HAPI keeps
 * them in (the one that gets to a change first matches it), so every node must know every active
 * Subscription by the time it matches: a Subscription created, changed or deleted through any node
 * bumps {@link Topic#SUBSCRIPTIONS} once it committed, and a node brings its registry of active
 * Subscriptions up to date with the database before it checks a change against them. (HAPI alone
 * would reload the registry about once a minute, and until then a change matched on another node
 * would miss a new Subscription.)
 */
@Interceptor
final class SubscriptionNodeSync implements NodeSync.Follower {

  private final Generations generations;
  private final Supplier<NodeSync> nodeSync;
  private final SubscriptionLoader loader;

  SubscriptionNodeSync(
      Generations generations, Supplier<NodeSync> nodeSync, SubscriptionLoader loader) {
    this.generations = generations;
    this.nodeSync = nodeSync;
    this.loader = loader;
  }

  @Override
  public Topic topic() {
    return Topic.SUBSCRIPTIONS;
  }

  @Override
  public void changed(long seen, long now) {
    loader.forceRefresh();
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

  /** Before a stored change is matched against the active Subscriptions of this node. */
  @Hook(Pointcut.SUBSCRIPTION_BEFORE_PERSISTED_RESOURCE_CHECKED)
  public boolean beforeMatching() {
    nodeSync.get().sync();
    return true;
  }

  private void written(IBaseResource resource) {
    if ("Subscription".equals(resource.fhirType())) {
      AfterCommit.run(() -> generations.bump(Topic.SUBSCRIPTIONS));
    }
  }
}
