package org.consentry.bench.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one connection per request ({@code Connection: close}). The JDK's
 * clients refuse to send malformed percent-escapes and odd methods; this one sends the request line
 * and headers exactly as generated. Bounded: 5 s to connect, {@code readTimeoutMillis} per read, at
 * most {@link #MAX_BODY} bytes of a response body kept.
 */
final class RawHttp implements Sender {

  static final int MAX_BODY = 8 << 20;

  private final String host;
  private final int port;
  private final String basePath;
  private final int readTimeoutMillis;

  /**
   * @param base the FHIR base, e.g. {@code http://127.0.0.1:8280/fhir}; the caller checked it is
   *     loopback
   */
  RawHttp(URI base, int readTimeoutMillis) {
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  @Override
  public Response send(FuzzRequest request, String token) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(readTimeoutMillis);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head(request, token));
        if (request.body() != null) {
          out.write(request.body());
        }
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading the whole body: read what it said
      }
      Response response = read(new BufferedInputStream(socket.getInputStream()), request.method());
      return response.withMillis((System.nanoTime() - start) / 1_000_000);
    } catch (SocketTimeoutException e) {
      return Response.noAnswer(
          "no answer within " + readTimeoutMillis + " ms", (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      return Response.noAnswer(
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private byte[] head(FuzzRequest request, String token) {
    StringBuilder head = new StringBuilder();
    String path = basePath + request.target();
    head.append(request.method())
        .append(' ')
        .append(path.isEmpty() || path.charAt(0) == '?' ? "/" + path : path);
    head.append(" HTTP/1.1\r\nHost: ")
        .append(host)
        .append(':')
        .append(port)
        .append("\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    for (FuzzRequest.Header header : request.headers()) {
      head.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    if (request.body() != null) {
      head.append("Content-Length: ").append(request.body().length).append("\r\n");
    }
    head.append("\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Response read(InputStream in, String method) throws IOException {
    String statusLine = line(in);
    if (statusLine == null || !statusLine.startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.merge(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean truncated = false;
    if (!method.equals("HEAD") && status >= 200 && status != 204 && status != 304) {
      if (headers
          .getOrDefault("transfer-encoding", "")
          .toLowerCase(Locale.ROOT)
          .contains("chunked")) {
        truncated = chunked(in, body);
      } else if (headers.containsKey("content-length")) {
        truncated = copy(in, body, Long.parseLong(headers.get("content-length").trim()));
      } else {
        truncated = copy(in, body, Long.MAX_VALUE);
      }
    }
    return new Response(status, headers, body.toByteArray(), truncated, null, 0);
  }

  private static boolean chunked(InputStream in, ByteArrayOutputStream body) throws IOException {
    for (int chunks = 0; chunks < 1_000_000; chunks++) {
      String sizeLine = line(in);
      if (sizeLine == null) {
        return false;
      }
      int semicolon = sizeLine.indexOf(';');
      long size =
          Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        return false;
      }
      if (copy(in, body, size)) {
        return true;
      }
      line(in);
    }
    return true;
  }

  /**
   * Copies up to {@code length} bytes, keeping at most {@link #MAX_BODY}; true if it stopped at the
   * cap.
   */
  private static boolean copy(InputStream in, ByteArrayOutputStream body, long length)
      throws IOException {
    byte[] buffer = new byte[8192];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return false;
      }
      int room = MAX_BODY - body.size();
      body.write(buffer, 0, Math.min(n, room));
      if (n > room) {
        return true;
      }
      left -= n;
    }
    return false;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      if (line.size() > 65536) {
        throw new IOException("response line longer than 64 KiB");
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
