package org.consentry.server.subscription;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * The websocket connections of this node, by the Subscription each has bound. A connection is bound
 * to one Subscription for as long as it is open and its token is valid; a ping due after the token
 * has expired closes the connection instead (the subscriber connects again with a fresh token).
 */
final class BoundSockets {

  /** One bound connection: the session (safe for sends from several threads) and its expiry. */
  private record Bound(WebSocketSession session, Instant expires) {}

  static final String EXPIRED =
      "the access token has expired: connect again with a fresh token and bind again";

  private final Map<String, Set<Bound>> bySubscription = new ConcurrentHashMap<>();
  private final Map<String, Bound> bySession = new ConcurrentHashMap<>();
  private final Clock clock;

  BoundSockets(Clock clock) {
    this.clock = clock;
  }

  /**
   * Binds the connection to the Subscription (a connection binds once) and answers {@code bound
   * <id>} before any ping.
   */
  void bind(String subscriptionId, WebSocketSession session, Instant expires) {
    Bound bound =
        new Bound(new ConcurrentWebSocketSessionDecorator(session, 10_000, 64 * 1024), expires);
    bySession.put(session.getId(), bound);
    try {
      bound.session().sendMessage(new TextMessage("bound " + subscriptionId));
    } catch (IOException e) {
      bySession.remove(session.getId());
      return; // the connection is gone: nothing to bind
    }
    bySubscription.computeIfAbsent(subscriptionId, k -> ConcurrentHashMap.newKeySet()).add(bound);
  }

  /** The connection to send on: once bound, its decorator (sends from several threads). */
  WebSocketSession sending(WebSocketSession session) {
    Bound bound = bySession.get(session.getId());
    return bound == null ? session : bound.session();
  }

  boolean isBound(WebSocketSession session) {
    return bySession.containsKey(session.getId());
  }

  /** The connection closed. */
  void unbind(WebSocketSession session) {
    Bound bound = bySession.remove(session.getId());
    if (bound != null) {
      bySubscription.values().forEach(set -> set.remove(bound));
      bySubscription.values().removeIf(Set::isEmpty);
    }
  }

  /**
   * Sends {@code ping <id>} to every open connection bound to the Subscription.
   *
   * @return how many connections it was sent to (0 if none is bound: no one is listening)
   * @throws IOException if connections are bound but none received it (the delivery is then
   *     retried)
   */
  int ping(String subscriptionId) throws IOException {
    List<Bound> bound = List.copyOf(bySubscription.getOrDefault(subscriptionId, Set.of()));
    int sent = 0;
    IOException failure = null;
    for (Bound b : bound) {
      WebSocketSession session = b.session();
      try {
        if (!clock.instant().isBefore(b.expires())) {
          session.sendMessage(new TextMessage("error " + EXPIRED));
          session.close(CloseStatus.POLICY_VIOLATION.withReason("access token expired"));
          unbind(session);
        } else if (session.isOpen()) {
          session.sendMessage(new TextMessage("ping " + subscriptionId));
          sent++;
        }
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException io ? io : new IOException(e);
      }
    }
    if (sent == 0 && failure != null) {
      throw failure;
    }
    return sent;
  }
}
