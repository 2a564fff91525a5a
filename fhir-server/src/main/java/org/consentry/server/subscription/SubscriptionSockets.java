package org.consentry.server.subscription;

import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscriptionChannelType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentry.consent.Requester;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.door.ApiSurface;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.security.AccessTokens;
import org.consentry.server.security.Subscribers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The R4 websocket protocol of Subscriptions at {@link ApiSurface#SUBSCRIPTION_SOCKET}: the client
 * sends {@code bind <Subscription id>}, the server answers {@code bound <id>} and then {@code ping
 * <id>} for each notification ({@link WebsocketDelivery}).
 *
 * <p>The connection is authenticated: by the {@code Authorization: Bearer} header of the upgrade
 * request (checked before the upgrade: {@link SocketHandshake}), or, for browsers (which cannot set
 * that header), by the token after the id: {@code bind <id> <token>}. The requester must be one who
 * may subscribe, and may bind only a Subscription recorded as theirs ({@link Subscribers}); one of
 * someone else gets exactly the answer of an unknown one. Every refusal is a text message {@code
 * error <why>} and the connection closed (1008, policy violation); so is a connection that has not
 * bound within {@link #BIND_WITHIN}.
 */
final class SubscriptionSockets extends TextWebSocketHandler implements AutoCloseable {

  static final Duration BIND_WITHIN = Duration.ofSeconds(10);

  /** The holder of the upgrade request's token, if it had one (a session attribute). */
  static final String HOLDER = AccessTokens.Holder.class.getName();

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionSockets.class);
  private static final Pattern BIND =
      Pattern.compile(
          "bind\\s+(?:Subscription/)?([A-Za-z0-9\\-.]{1,64})(?:\\s+(.+))?", Pattern.DOTALL);

  private final AccessTokens tokens;
  private final SubscriptionRegistry registry;
  private final BoundSockets sockets;
  private final Supplier<NodeSync> nodeSync;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "subscription-socket-timer");
            thread.setDaemon(true);
            return thread;
          });

  SubscriptionSockets(
      AccessTokens tokens,
      SubscriptionRegistry registry,
      BoundSockets sockets,
      Supplier<NodeSync> nodeSync) {
    this.tokens = tokens;
    this.registry = registry;
    this.sockets = sockets;
    this.nodeSync = nodeSync;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    timer.schedule(
        () -> {
          if (session.isOpen() && !sockets.isBound(session)) {
            refuse(session, "no Subscription was bound within " + BIND_WITHIN.toSeconds() + " s");
          }
        },
        BIND_WITHIN.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    if (sockets.isBound(session)) {
      refuse(session, "this connection is bound already: open one connection per Subscription");
      return;
    }
    Matcher bind = BIND.matcher(message.getPayload().trim());
    if (!bind.matches()) {
      refuse(session, "expected: bind <Subscription id> (see the README, Subscriptions)");
      return;
    }
    AccessTokens.Holder holder;
    try {
      holder = holder(session, bind.group(2));
    } catch (AccessTokens.Refused e) {
      refuse(session, e.getMessage());
      return;
    }
    if (holder == null) {
      refuse(
          session,
          "an access token is required: send Authorization: Bearer <token> when connecting, or"
              + " bind <Subscription id> <token>");
      return;
    }
    Requester requester = holder.requester();
    if (!ApiSurface.admitsSubscriptionSocket(requester.kind())) {
      refuse(session, "Subscriptions are not offered to this requester");
      return;
    }
    String id = bind.group(1);
    ActiveSubscription active = registry.get(id);
    if (active == null) {
      nodeSync.get().sync(); // made through another node a moment ago: this node learns of it now
      active = registry.get(id);
    }
    if (active == null || !isSubscriber(active, requester)) {
      // unknown, inactive and someone else's answer alike
      refuse(session, NotFound.message("Subscription", id));
      return;
    }
    if (active.getChannelType() != CanonicalSubscriptionChannelType.WEBSOCKET) {
      refuse(session, "Subscription/" + id + " is not a websocket Subscription");
      return;
    }
    sockets.bind(id, session, holder.expires());
  }

  /** The holder of the bind message's token, else of the upgrade request's, else null. */
  private AccessTokens.Holder holder(WebSocketSession session, String token)
      throws AccessTokens.Refused {
    if (token != null) {
      return tokens.verify(token, null);
    }
    return session.getAttributes().get(HOLDER) instanceof AccessTokens.Holder holder
        ? holder
        : null;
  }

  private static boolean isSubscriber(ActiveSubscription active, Requester requester) {
    Optional<Requester> subscriber =
        Subscribers.parse(active.getSubscription().getChannelExtension(Subscribers.URL));
    return subscriber.map(s -> s.subject().equals(requester.subject())).orElse(false);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    sockets.unbind(session);
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    LOG.debug("websocket transport error: {}", exception.toString());
    sockets.unbind(session);
  }

  /** {@code error <why>}, then the connection closed with a policy violation. */
  private void refuse(WebSocketSession connection, String why) {
    WebSocketSession session = sockets.sending(connection);
    try {
      session.sendMessage(new TextMessage("error " + why));
    } catch (IOException | IllegalStateException e) {
      LOG.debug("sending on a websocket: {}", e.toString());
    }
    try {
      session.close(CloseStatus.POLICY_VIOLATION.withReason(reason(why)));
    } catch (IOException | IllegalStateException e) {
      LOG.debug("closing a refused websocket: {}", e.toString());
    }
    sockets.unbind(session);
  }

  /** A close reason is at most 123 bytes. */
  private static String reason(String why) {
    String reason = why;
    while (reason.getBytes(StandardCharsets.UTF_8).length > 120) {
      reason = reason.substring(0, reason.length() - 1);
    }
    return reason;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
