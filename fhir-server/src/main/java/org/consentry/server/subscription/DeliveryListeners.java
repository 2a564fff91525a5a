package org.consentry.server.subscription;

import ca.uhn.fhir.broker.api.IMessageListener;
import ca.uhn.fhir.jpa.subscription.channel.subscription.SubscriptionDeliveryListenerFactory;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscriptionChannelType;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import java.util.Optional;
import org.springframework.context.ApplicationContext;

/**
 * HAPI's delivery listeners per channel type, with websocket delivered by {@link WebsocketDelivery}
 * (HAPI has no listener for it: its websocket handler bypasses the delivery hooks).
 */
final class DeliveryListeners extends SubscriptionDeliveryListenerFactory {

  private final WebsocketDelivery websocket;

  DeliveryListeners(ApplicationContext context, IEmailSender email, WebsocketDelivery websocket) {
    super(context, email);
    this.websocket = websocket;
  }

  @Override
  public Optional<IMessageListener<ResourceDeliveryMessage>> createDeliveryListener(
      CanonicalSubscriptionChannelType type) {
    return type == CanonicalSubscriptionChannelType.WEBSOCKET
        ? Optional.of(websocket)
        : super.createDeliveryListener(type);
  }
}
