package org.consentry.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Percent-encoding, proper and abused: the ways a query value reaches the server. Every result is
 * printable ASCII without space or {@code #}, so it can stand on a request line and in a curl line.
 */
final class Encoding {

  private static final String HEX = "0123456789ABCDEF";

  /** Malformed, overlong, truncated and double escapes that a lenient decoder might mishandle. */
  private static final List<String> ABUSE =
      List.of(
          "%",
          "%z",
          "%0",
          "%zz",
          "%00",
          "%C0%AF",
          "%C0%80",
          "%FF",
          "%FE%FF",
          "%ED%A0%80",
          "%E2%80%AE",
          "%u0041",
          "%2525",
          "%252F",
          "+",
          "%2B",
          "%26",
          "%3D",
          "%0D%0A",
          "%5C",
          "%2F..%2F",
          "%7C%7C");

  private Encoding() {}

  /** Encodes everything but RFC 3986 unreserved characters. */
  static String strict(String value) {
    return encode(value, "");
  }

  /**
   * Encodes what must be encoded and keeps FHIR's separators ({@code | , : $ / ?}) readable, as
   * clients usually do.
   */
  static String usual(String value) {
    return encode(value, "|,:$/@!*'()");
  }

  /**
   * One of the ways a value could be written: strict, usual, double-encoded, or with an escape
   * abused.
   */
  static String anyway(String value, Dice dice) {
    return switch (dice.weighted(30, 50, 5, 15)) {
      case 0 -> strict(value);
      case 1 -> usual(value);
      case 2 -> strict(strict(value));
      default -> {
        String encoded = usual(value);
        int at = encoded.isEmpty() ? 0 : dice.below(encoded.length() + 1);
        yield encoded.substring(0, at) + dice.pick(ABUSE) + encoded.substring(at);
      }
    };
  }

  /**
   * Makes any string fit on a request line: bytes outside printable ASCII, space and {@code #} are
   * escaped.
   */
  static String sanitize(String target) {
    return encode(target, "!\"$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  }

  private static String encode(String value, String keep) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || "-._~".indexOf(c) >= 0;
      if (unreserved || c > ' ' && c < 0x7f && keep.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 15));
      }
    }
    return out.toString();
  }

  /** Decodes valid escapes and {@code +}; leaves malformed ones as they are. Never fails. */
  static String decodeLeniently(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int hi = i + 2 < bytes.length && bytes[i] == '%' ? Character.digit(bytes[i + 1], 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(bytes[i + 2], 16);
      if (lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(bytes[i] == '+' ? ' ' : bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
