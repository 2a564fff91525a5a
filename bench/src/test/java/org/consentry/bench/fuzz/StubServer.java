package org.consentry.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A one-thread HTTP server on the loopback interface that records each raw request and answers with
 * a canned response.
 */
final class StubServer implements AutoCloseable {

  /** One request as received: the head (request line and headers) and the body. */
  record Received(String head, byte[] body) {
    String requestLine() {
      return head.substring(0, head.indexOf("\r\n"));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
          return line.substring(name.length() + 1).trim();
        }
      }
      return null;
    }
  }

  private final ServerSocket socket;
  private final byte[] response;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;

  /**
   * @param response the bytes to answer every request with; null: read the request and never answer
   */
  StubServer(String response) throws IOException {
    this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    this.response = response == null ? null : response.getBytes(StandardCharsets.ISO_8859_1);
    this.thread = new Thread(this::serve, "stub-server");
    thread.setDaemon(true);
    thread.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/fhir");
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        InputStream in = client.getInputStream();
        String head = head(in);
        String length = new Received(head, null).header("Content-Length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        received.add(new Received(head, body));
        if (response == null) {
          Thread.sleep(5000);
        } else {
          client.getOutputStream().write(response);
        }
      } catch (IOException | InterruptedException e) {
        return;
      }
    }
  }

  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.write(c);
    }
    return head.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
