package org.consentry.server.subscription;

import ca.uhn.fhir.jpa.subscription.match.deliver.BaseSubscriptionDeliveryListener;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery of websocket Subscriptions through HAPI's delivery channel, like rest-hook: HAPI's base
 * listener calls {@code SUBSCRIPTION_BEFORE_DELIVERY} first, so each notification is decided for
 * its subscriber at delivery time ({@link DeliveryConsent}) and claimed once ({@link
 * DeliveredEvents}); only then is {@code ping <id>} sent to the connections bound to the
 * Subscription ({@link BoundSockets}). A notification carries nothing but the Subscription's id:
 * the subscriber reads what changed through the API, decided again there.
 *
 * <p>(HAPI's own {@code SubscriptionWebsocketHandler} listens on the channel directly, before any
 * hook, so it would ping for resources the subscriber may not see; it is not used.)
 *
 * <p>A notification is live: if no connection is bound when it is delivered, no one receives it,
 * and it is not kept. If connections are bound and none received it, the delivery fails and HAPI's
 * channel retries it (decided anew), so a subscriber that reconnects at once still gets it.
 */
final class WebsocketDelivery extends BaseSubscriptionDeliveryListener {

  private static final Logger LOG = LoggerFactory.getLogger(WebsocketDelivery.class);

  private final BoundSockets sockets;

  WebsocketDelivery(BoundSockets sockets) {
    this.sockets = sockets;
  }

  @Override
  public Class<ResourceDeliveryMessage> getPayloadType() {
    return ResourceDeliveryMessage.class;
  }

  @Override
  public void handleMessage(ResourceDeliveryMessage message) throws Exception {
    String id = message.getSubscription().getIdPart();
    int sent = sockets.ping(id);
    LOG.debug("websocket notification of Subscription/{} sent to {} connection(s)", id, sent);
  }
}
