package org.consentry.server.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import java.util.function.Supplier;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.cluster.NodeSync;

/**
 * Subscriptions on several nodes. Every node takes stored changes from the shared table HAPI keeps
 * them in (the one that gets to a change first matches it), so every node must know every active
 * Subscription by the time it matches: a Subscription created, changed or deleted through any node
 * bumps {@link Topic#SUBSCRIPTIONS} once it committed ({@code TypeWrites}), and a node brings its
 * registry of active Subscriptions up to date with the database before it checks a change against
 * them. (HAPI alone would reload the registry about once a minute, and until then a change matched
 * on another node would miss a new Subscription.)
 */
@Interceptor
final class SubscriptionNodeSync implements NodeSync.Follower {

  private final Supplier<NodeSync> nodeSync;
  private final SubscriptionLoader loader;

  SubscriptionNodeSync(Supplier<NodeSync> nodeSync, SubscriptionLoader loader) {
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

  /** Before a stored change is matched against the active Subscriptions of this node. */
  @Hook(Pointcut.SUBSCRIPTION_BEFORE_PERSISTED_RESOURCE_CHECKED)
  public boolean beforeMatching() {
    nodeSync.get().sync();
    return true;
  }
}
