package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.consentry.server.cluster.NodeSync;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's change matcher ({@link SubscriptionMatcherInterceptor}, registered in its place) that
 * leaves out a change no active Subscription could match. HAPI encodes every created, updated or
 * deleted resource into a message, stores it as a change row in the write's transaction, and a
 * background pass later reads the resource back and checks it against each Subscription: work (an
 * encoding, two writes and a read of the resource) that every write pays, whether or not anybody
 * subscribed to its type. This matcher decides before the message is made.
 *
 * <p>A change is left out only when this node's registry of active Subscriptions is current and
 * none of them applies to the change's type (a {@code Type?...} criteria names the types it applies
 * to; {@code *} applies to every type but Subscription; a topic-based one keeps every change). The
 * registry is current because the node read the cluster's generations ({@link NodeSync}, topic
 * {@code SUBSCRIPTIONS}: one small query) when the request began, or for background work before
 * each change, so a Subscription made through another node before then is known here. Subscription
 * resources themselves always go on, since HAPI activates them through the same queue. A
 * Subscription that becomes active later matches the changes made after it, as it would anyway.
 */
class UnwatchedChanges extends SubscriptionMatcherInterceptor {

  private final FhirContext fhir;
  private final SubscriptionRegistry registry;
  private final SubscriptionLoader loader;
  private final Supplier<NodeSync> nodeSync;
  private final AtomicBoolean loaded = new AtomicBoolean();

  UnwatchedChanges(
      FhirContext fhir,
      SubscriptionRegistry registry,
      SubscriptionLoader loader,
      Supplier<NodeSync> nodeSync) {
    this.fhir = fhir;
    this.registry = registry;
    this.loader = loader;
    this.nodeSync = nodeSync;
  }

  @Override
  protected void processResourceModifiedEvent(
      IBaseResource resource,
      ResourceModifiedMessage.OperationTypeEnum operation,
      RequestDetails request) {
    if (watched(fhir.getResourceType(resource), request)) {
      super.processResourceModifiedEvent(resource, operation, request);
    }
  }

  /**
   * Whether a change of this type, made by this request ({@code null}: background work), must go to
   * HAPI's queue.
   */
  boolean watched(String type, RequestDetails request) {
    if (type == null || "Subscription".equals(type)) {
      return true;
    }
    if (loaded.compareAndSet(false, true)) {
      loader.forceRefresh(); // the registry is first loaded once Spring is up: not before that
    }
    if (NodeSync.of(request) == null) {
      nodeSync.get().sync(); // a request read the generations when it began, once for its writes
    }
    return watched(registry.getAll(), type);
  }

  /** Whether any of these Subscriptions could match a change of this type. */
  static boolean watched(Collection<ActiveSubscription> subscriptions, String type) {
    for (ActiveSubscription subscription : subscriptions) {
      if (subscription.getSubscription() != null
          && subscription.getSubscription().isTopicSubscription()) {
        return true; // topic-based: its topic decides the types; keep everything
      }
      SubscriptionCriteriaParser.SubscriptionCriteria criteria = subscription.getCriteria();
      if (criteria == null) {
        continue; // HAPI matches nothing against it
      }
      switch (criteria.getType()) {
        case STARTYPE_EXPRESSION:
          return true;
        case SEARCH_EXPRESSION:
        case MULTITYPE_EXPRESSION:
          if (criteria.getApplicableResourceTypes().contains(type)) {
            return true;
          }
          break;
        default:
          return true;
      }
    }
    return false;
  }
}
