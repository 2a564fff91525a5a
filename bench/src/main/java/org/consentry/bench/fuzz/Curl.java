package org.consentry.bench.fuzz;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A request as a curl command line that sends the same request line, headers and body bytes ({@code
 * -g --path-as-is}: no globbing, no dot-segment folding). Short printable bodies go inline; others
 * to a file that {@code bodyFile} writes and names. curl adds its own {@code Accept: *}{@code /*}
 * and {@code User-Agent}, which the fuzzer does not send.
 */
final class Curl {

  static final int INLINE_BODY_MAX = 2000;

  private Curl() {}

  static String line(
      URI base, FuzzRequest request, Requester requester, Function<byte[], String> bodyFile) {
    StringBuilder line = new StringBuilder("curl -sS -g --path-as-is ");
    if (request.method().equals("HEAD")) {
      line.append("-I ");
    } else if (!request.method().equals("GET") || request.body() != null) {
      line.append("-X ").append(shellWord(request.method())).append(' ');
    }
    line.append(requester.curlOption());
    for (FuzzRequest.Header header : request.headers()) {
      line.append("-H ").append(shellWord(header.name() + ": " + header.value())).append(' ');
    }
    if (request.body() != null) {
      if (request.header("Content-Type") == null) {
        line.append("-H 'Content-Type:' "); // else curl sends application/x-www-form-urlencoded
      }
      if (inlinable(request.body())) {
        line.append("--data-binary ")
            .append(shellWord(new String(request.body(), StandardCharsets.US_ASCII)))
            .append(' ');
      } else {
        line.append("--data-binary @")
            .append(shellWord(bodyFile.apply(request.body())))
            .append(' ');
      }
    }
    String root = base.toString();
    line.append(
        shellWord(
            (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + request.target()));
    return line.toString();
  }

  private static boolean inlinable(byte[] body) {
    if (body.length > INLINE_BODY_MAX || body.length == 0) {
      return false;
    }
    for (byte b : body) {
      if (b < ' ' && b != '\n' || b >= 0x7f || b < 0) {
        return false;
      }
    }
    return true;
  }

  /** The word as the shell reads it back: bare when safe, else in single quotes. */
  static String shellWord(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
