package org.consentry.server.subscription;

import ca.uhn.fhir.jpa.subscription.match.deliver.BaseSubscriptionDeliveryListener;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.consentry.server.cluster.NodeChannel;
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
 * <p>Several nodes: the node that matched the change (and decided it, once) pings the connections
 * bound on it and tells the other nodes the Subscription's id ({@link NodeChannel}), and each of
 * them pings the connections bound on it. The other nodes are told once per event: a retry (after
 * this node's own connections all failed) pings this node's connections again, not theirs. A
 * connection bound on another node thus gets one ping per event, like one bound here.
 *
 * <p>A notification is live: if no connection is bound when it is delivered, no one receives it,
 * and it is not kept. If connections are bound on this node and none received it, the delivery
 * fails and HAPI's channel retries it (decided anew), so a subscriber that reconnects at once still
 * gets it; a ping that fails on another node is not retried.
 */
final class WebsocketDelivery extends BaseSubscriptionDeliveryListener implements AutoCloseable {

  /** The channel on which nodes tell each other whom to ping. */
  static final String CHANNEL = "consentry_websocket_ping";

  private static final Logger LOG = LoggerFactory.getLogger(WebsocketDelivery.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final BoundSockets sockets;
  private final NodeChannel otherNodes;
  private final DeliveredEvents told;

  /**
   * @param otherNodes the channel to the other nodes ({@link #CHANNEL}), receiving with {@link
   *     #fromOtherNodes}
   * @param told memory of the events the other nodes were told of
   */
  WebsocketDelivery(BoundSockets sockets, NodeChannel otherNodes, DeliveredEvents told) {
    this.sockets = sockets;
    this.otherNodes = otherNodes;
    this.told = told;
  }

  @Override
  public Class<ResourceDeliveryMessage> getPayloadType() {
    return ResourceDeliveryMessage.class;
  }

  @Override
  public void handleMessage(ResourceDeliveryMessage message) throws Exception {
    String id = message.getSubscription().getIdPart();
    String event = event(message);
    // the other nodes first: if they cannot be told, nothing is sent and the delivery is retried
    if (event == null || told.claim(event)) {
      try {
        otherNodes.tell(id);
      } catch (Exception e) {
        if (event != null) {
          told.release(event);
        }
        throw e;
      }
      if (event != null) {
        told.done(event);
      }
    }
    int sent = sockets.ping(id);
    LOG.debug("websocket notification of Subscription/{} sent to {} connection(s)", id, sent);
  }

  /** The event's id that {@link DeliveryConsent} set on this delivery, or null. */
  private static String event(ResourceDeliveryMessage message) {
    String prefix = DeliveryConsent.EVENT_HEADER + ":";
    for (String header : message.getSubscription().getHeaders()) {
      if (header.startsWith(prefix)) {
        return header.substring(prefix.length()).trim();
      }
    }
    return null;
  }

  /** Stops listening to the other nodes. */
  @Override
  public void close() {
    otherNodes.close();
  }

  /**
   * What a node does with a Subscription's id told by another node: pings the connections bound to
   * it on this node (the decision was made on the node that tells). Anything but an id bound here
   * is ignored.
   */
  static Consumer<String> fromOtherNodes(BoundSockets sockets) {
    return id -> {
      if (!ID.matcher(id).matches()) {
        return;
      }
      try {
        int sent = sockets.ping(id);
        if (sent > 0) {
          LOG.debug(
              "websocket notification of Subscription/{} from another node sent to {}", id, sent);
        }
      } catch (IOException e) {
        LOG.debug("websocket notification of Subscription/{} from another node failed: {}", id, e);
      }
    };
  }
}
