package org.consentry.server.subscription;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A websocket bound to a Subscription, for tests outside this package (several nodes): connects,
 * binds, and counts the pings that follow.
 */
public final class BoundSocket implements AutoCloseable {

  private final SocketClient client;
  private final String subscription;
  private final List<String> received = new ArrayList<>();

  private BoundSocket(SocketClient client, String subscription) {
    this.client = client;
    this.subscription = subscription;
  }

  /**
   * Connects to {@code socket} with the token and binds the Subscription. A node learns of a
   * Subscription made through another node at its next request or within a second, so a bind
   * answered with "not known" is tried again, for up to 10 s.
   */
  public static BoundSocket bind(URI socket, String token, String subscription)
      throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (true) {
      SocketClient client = SocketClient.connect(socket, token);
      client.send("bind " + subscription);
      String answer = client.next(10_000);
      if (("bound " + subscription).equals(answer)) {
        return new BoundSocket(client, subscription);
      }
      client.close();
      if (answer == null
          || !answer.contains("is not known")
          || System.currentTimeMillis() > until) {
        throw new AssertionError("bind " + subscription + " on " + socket + ": " + answer);
      }
      Thread.sleep(250);
    }
  }

  /**
   * Waits until {@code count} messages have come after {@code bound} (or the time is up).
   *
   * @return every message after {@code bound} so far
   */
  public List<String> await(int count, long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (received.size() < count) {
      long left = until - System.currentTimeMillis();
      String next = left > 0 ? client.next(left) : null;
      if (next == null) {
        break;
      }
      received.add(next);
    }
    return List.copyOf(received);
  }

  /** Every message after {@code bound} so far. */
  public List<String> received() throws InterruptedException {
    for (String next = client.next(0); next != null; next = client.next(0)) {
      received.add(next);
    }
    return List.copyOf(received);
  }

  /** {@code ping <id>} of the bound Subscription, {@code times} times. */
  public List<String> pings(int times) {
    List<String> pings = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      pings.add("ping " + subscription);
    }
    return pings;
  }

  @Override
  public void close() {
    client.close();
  }
}
