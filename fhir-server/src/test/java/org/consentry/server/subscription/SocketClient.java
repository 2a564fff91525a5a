package org.consentry.server.subscription;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A websocket client for tests, on the JDK's {@link WebSocket}: records every text message received
 * (with the time it arrived) and the close code.
 */
final class SocketClient implements AutoCloseable {

  /** One text message, with {@link System#nanoTime()} at arrival. */
  record Received(String text, long nanos) {}

  private final WebSocket socket;
  private final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Received> all = new ConcurrentLinkedQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private SocketClient(URI uri, String token) {
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    socket = builder.buildAsync(uri, new Listener()).join();
  }

  /** Connects; a refused upgrade throws (a CompletionException). */
  static SocketClient connect(URI uri, String token) {
    return new SocketClient(uri, token);
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  /** The next message, or null after the timeout. */
  String next(long millis) throws InterruptedException {
    Received received = nextReceived(millis);
    return received == null ? null : received.text();
  }

  Received nextReceived(long millis) throws InterruptedException {
    return inbox.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Every message received so far. */
  List<String> received() {
    return all.stream().map(Received::text).toList();
  }

  /** The close code the server sent, or null if it did not close within the time. */
  Integer closeCode(long millis) {
    try {
      return closed.get(millis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        Received received = new Received(partial.toString(), System.nanoTime());
        partial.setLength(0);
        all.add(received);
        inbox.add(received);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }
}
