package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.consentry.server.cluster.NodeChannel;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.security.AccessTokens;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * HAPI's Subscription processing in this process (in-memory matching, rest-hook and websocket
 * delivery through its in-process channels with retry; the websocket itself: {@link SocketConfig}),
 * with the rules of what may be subscribed ({@link SubscriptionRules}) and the consent decision at
 * delivery ({@link DeliveryConsent}) registered on the storage interceptors.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SubscriptionProperties.class)
@Import(SubscriptionProcessorConfig.class)
class SubscriptionConfig {

  /** HAPI's processor wants a mail sender; email is not a channel this server offers. */
  @Bean
  IEmailSender emailSender() {
    return details -> {
      throw new UnsupportedOperationException("email Subscriptions are not offered");
    };
  }

  /** The websocket connections bound to Subscriptions on this node. */
  @Bean
  BoundSockets boundSockets() {
    return new BoundSockets(Clock.systemUTC());
  }

  /** Websocket pings decided on this node, told to the other nodes for theirs, and back. */
  @Bean
  WebsocketDelivery websocketDelivery(
      BoundSockets sockets, DataSource dataSource, SubscriptionProperties properties)
      throws SQLException {
    NodeChannel otherNodes =
        NodeChannel.open(
            dataSource, WebsocketDelivery.CHANNEL, WebsocketDelivery.fromOtherNodes(sockets));
    return new WebsocketDelivery(
        sockets, otherNodes, new DeliveredEvents(properties.deliveredMemory()));
  }

  /** HAPI's listeners per channel type, with websocket delivered through the delivery hooks. */
  @Bean
  @Primary
  DeliveryListeners deliveryListeners(
      ApplicationContext context, IEmailSender email, WebsocketDelivery websocket) {
    return new DeliveryListeners(context, email, websocket);
  }

  @Bean
  SubscriptionSockets subscriptionSockets(
      AccessTokens tokens,
      SubscriptionRegistry registry,
      BoundSockets sockets,
      ObjectProvider<NodeSync> nodeSync) {
    return new SubscriptionSockets(tokens, registry, sockets, nodeSync::getObject);
  }

  /** Every node knows every active Subscription before it matches a change against them. */
  @Bean
  SubscriptionNodeSync subscriptionNodeSync(
      ObjectProvider<NodeSync> nodeSync, SubscriptionLoader loader, IInterceptorService storage) {
    SubscriptionNodeSync sync = new SubscriptionNodeSync(nodeSync::getObject, loader);
    storage.registerInterceptor(sync);
    return sync;
  }

  /**
   * HAPI's change matcher, replaced: changes of types no active Subscription watches are not made
   * into messages nor queued. HAPI's loader registers it (its own matcher stays unregistered).
   */
  @Bean
  @Primary
  UnwatchedChanges unwatchedChanges(
      FhirContext fhir,
      SubscriptionRegistry registry,
      SubscriptionLoader loader,
      ObjectProvider<NodeSync> nodeSync) {
    return new UnwatchedChanges(fhir, registry, loader, nodeSync::getObject);
  }

  @Bean
  SubscriptionRules subscriptionRules(
      FhirContext fhir, SubscriptionProperties properties, IInterceptorService storage) {
    SubscriptionRules rules = new SubscriptionRules(fhir, properties);
    storage.registerInterceptor(rules);
    return rules;
  }

  @Bean
  DeliveryConsent deliveryConsent(
      FhirContext fhir,
      ReadDecision decision,
      NodeSync nodeSync,
      Plaintext plaintext,
      DaoRegistry daos,
      SubscriptionProperties properties,
      IInterceptorService storage) {
    DeliveryConsent consent =
        new DeliveryConsent(
            fhir,
            decision,
            nodeSync,
            plaintext,
            daos,
            new DeliveredEvents(properties.deliveredMemory()));
    storage.registerInterceptor(consent);
    return consent;
  }
}
