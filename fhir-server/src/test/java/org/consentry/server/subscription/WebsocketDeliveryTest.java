package org.consentry.server.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.consentry.server.cluster.NodeChannel;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The other nodes are told of each websocket event once, whatever this node's own connections do,
 * and a node pings only the connections bound on it for what it is told.
 */
class WebsocketDeliveryTest {

  private final BoundSockets sockets = new BoundSockets(Clock.systemUTC());
  private final NodeChannel otherNodes = mock(NodeChannel.class);
  private final WebsocketDelivery delivery =
      new WebsocketDelivery(sockets, otherNodes, new DeliveredEvents(100));

  @Test
  void aRetryAfterThisNodesConnectionsFailed_doesNotTellTheOtherNodesAgain() throws Exception {
    List<String> sent = new ArrayList<>();
    WebSocketSession session = session("s1", sent, 2); // its first ping fails
    sockets.bind("sub-1", session, Instant.now().plusSeconds(3600));

    assertThatThrownBy(() -> delivery.handleMessage(message("sub-1", "event-1")))
        .as("this node's only connection failed: HAPI retries")
        .isInstanceOf(IOException.class);
    delivery.handleMessage(message("sub-1", "event-1"));
    delivery.handleMessage(message("sub-1", "event-2"));

    verify(otherNodes, times(2)).tell("sub-1"); // once per event
    assertThat(sent).containsExactly("bound sub-1", "ping sub-1", "ping sub-1", "ping sub-1");
  }

  @Test
  void whenTheOtherNodesCannotBeTold_nothingIsSent_andTheRetryTellsThem() throws Exception {
    List<String> sent = new ArrayList<>();
    sockets.bind("sub-2", session("s2", sent, 0), Instant.now().plusSeconds(3600));
    doThrow(new SQLException("database away")).doNothing().when(otherNodes).tell("sub-2");

    assertThatThrownBy(() -> delivery.handleMessage(message("sub-2", "event-1")))
        .isInstanceOf(SQLException.class);
    assertThat(sent).containsExactly("bound sub-2");
    delivery.handleMessage(message("sub-2", "event-1"));

    verify(otherNodes, times(2)).tell("sub-2");
    assertThat(sent).containsExactly("bound sub-2", "ping sub-2");
  }

  @Test
  void toldByAnotherNode_pingsTheConnectionsBoundHere_andIgnoresAnythingElse() throws Exception {
    List<String> sent = new ArrayList<>();
    sockets.bind("sub-3", session("s3", sent, 0), Instant.now().plusSeconds(3600));
    var fromOtherNodes = WebsocketDelivery.fromOtherNodes(sockets);

    fromOtherNodes.accept("sub-3");
    fromOtherNodes.accept("unknown");
    fromOtherNodes.accept("sub-3 and more");
    fromOtherNodes.accept("");

    assertThat(sent).containsExactly("bound sub-3", "ping sub-3");
    verify(otherNodes, never()).tell(any());
  }

  /** A delivery of an event (its id as {@link DeliveryConsent} sets it) to a Subscription. */
  private static ResourceDeliveryMessage message(String subscription, String event) {
    CanonicalSubscription canonical = new CanonicalSubscription();
    canonical.setIdElement(new IdType("Subscription", subscription));
    canonical.addHeader(DeliveryConsent.EVENT_HEADER + ": " + event);
    ResourceDeliveryMessage message = new ResourceDeliveryMessage();
    message.setSubscription(canonical);
    return message;
  }

  /**
   * An open connection that records each text it is sent, the {@code failing}th send (from 1; 0:
   * none) failing after it was recorded.
   */
  private static WebSocketSession session(String id, List<String> sent, int failing)
      throws IOException {
    WebSocketSession session = mock(WebSocketSession.class);
    when(session.getId()).thenReturn(id);
    when(session.isOpen()).thenReturn(true);
    doAnswer(
            call -> {
              WebSocketMessage<?> message = call.getArgument(0);
              sent.add(((TextMessage) message).getPayload());
              if (sent.size() == failing) {
                throw new IOException("gone for a moment");
              }
              return null;
            })
        .when(session)
        .sendMessage(any());
    return session;
  }
}
