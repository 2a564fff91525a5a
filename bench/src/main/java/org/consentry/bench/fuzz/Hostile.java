package org.consentry.bench.fuzz;

import java.util.List;

/**
 * Values that break parsers, converters and SQL: empty and huge strings, NUL and control
 * characters, odd Unicode, numbers at and past the limits of int, long and double, impossible
 * dates, injection attempts. None of them names a host other than this machine or {@code .invalid}.
 */
final class Hostile {

  static final List<String> STRINGS =
      List.of(
          "",
          " ",
          "null",
          "undefined",
          "true",
          "*",
          "?",
          "&",
          "=",
          ":",
          "|",
          "||",
          ",",
          "\\",
          "\\,",
          "\\|",
          "\\$",
          "$",
          "'",
          "\"",
          "\u0000",
          "a\u0000b",
          "\u0001\u0007\b\t\n\r\u001b\u007f",
          "\r\n\r\n",
          "\u0085\u2028\u2029",
          "Zoë Ñandú",
          "日本語テキスト",
          "🦄🦄🦄",
          "\u202Egnp.exe",
          "\u200B\uFEFF",
          "a\u0301\u0301\u0301",
          "\uFFFF\uFFFE",
          "' OR '1'='1",
          "'; SELECT pg_sleep(0); --",
          "\") OR (\"1\"=\"1",
          "%s%s%s%n",
          "{{7*7}}",
          "${7*7}",
          "${jndi:ldap://127.0.0.1:1/a}",
          "<script>alert(1)</script>",
          "<![CDATA[x]]>",
          "&amp;&lt;&#0;",
          "../../../../etc/passwd",
          "..%2F..%2F",
          "/",
          "//",
          "Patient/",
          "Patient/../Patient",
          "urn:uuid:",
          "urn:uuid:00000000-0000-0000-0000-000000000000",
          "http://example.invalid/fhir/Patient/1",
          "#",
          "#x",
          "Patient?_id=x",
          "_history",
          "$everything",
          "Patient/1/_history/1",
          "ÿ",
          "\uD83D\uDE00");
  static final List<String> NUMBERS =
      List.of(
          "0",
          "-0",
          "-1",
          "1",
          "2147483647",
          "2147483648",
          "-2147483649",
          "9223372036854775807",
          "9223372036854775808",
          "99999999999999999999999",
          "1e309",
          "-1e309",
          "1e-400",
          "NaN",
          "Infinity",
          "0x1F",
          "1.5",
          "1,5",
          "01",
          "+1",
          " 1",
          "1 ",
          "1_000",
          "abc",
          "",
          "٣");
  static final List<String> DATES =
      List.of(
          "2020",
          "2020-02-30",
          "2020-13-01",
          "0000-00-00",
          "0001-01-01",
          "-2020",
          "9999-12-31T23:59:59.999999999Z",
          "2020-01-01T25:61:61Z",
          "2020-01-01T00:00:00+99:00",
          "2020-01-01T00:00",
          "2020-01-01T00:00:00",
          "20200101",
          "2020-W01",
          "now",
          "today",
          "1e10",
          "2020-01-01Z",
          "2020-1-1",
          "2020-01-01T00:00:00.0000000000000000001Z",
          "999999-01-01",
          "2020-01-01T00:00:00Z/2021");

  private Hostile() {}

  /** A hostile string of at most {@code maxLength} characters (huge ones up to that bound). */
  static String string(Dice dice, int maxLength) {
    return switch (dice.weighted(70, 10, 10, 10)) {
      case 0 -> dice.pick(STRINGS);
      case 1 -> dice.pick(NUMBERS);
      case 2 -> dice.pick(DATES);
      default -> huge(dice, maxLength);
    };
  }

  /** A long run of one character, of several, or of a hostile string repeated. */
  static String huge(Dice dice, int maxLength) {
    int length = Math.min(maxLength, dice.pickOf(65, 256, 1025, 4097, 65_537, 1_048_577));
    String unit = dice.pickOf("a", "9", "é", "🦄", "\u0000", "%", "|", "a,", dice.pick(STRINGS));
    if (unit.isEmpty()) {
      unit = "x";
    }
    String repeated = unit.repeat(Math.max(1, length / Math.max(1, unit.length())));
    return repeated.length() > length ? repeated.substring(0, length) : repeated;
  }

  static String number(Dice dice) {
    return dice.pick(NUMBERS);
  }

  static String date(Dice dice) {
    return dice.pick(DATES);
  }

  /** A resource id that exists (of this type, or of another), or one that cannot. */
  static String id(Dice dice, Corpus corpus, String type) {
    return switch (dice.weighted(50, 10, 40)) {
      case 0 -> corpus.anyId(type, dice);
      case 1 -> corpus.anyId(dice.pick(corpus.types()), dice);
      default -> badId(dice);
    };
  }

  /** An id no resource can have: too long, Unicode, a path, a number out of range, NUL. */
  static String badId(Dice dice) {
    return switch (dice.below(5)) {
      case 0 -> "x".repeat(dice.pickOf(64, 65, 200, 5000));
      case 1 ->
          dice.pickOf(
              "0",
              "-1",
              "1.5",
              "9223372036854775808",
              "00000000-0000-0000-0000-000000000000",
              "a.b",
              "a-",
              "_");
      case 2 ->
          dice.pickOf(
              "é", "日本", "🦄", "\u0000", "a\u0000", "%", "%00", "..", ".", "a/b", "a?b", "a;b");
      case 3 -> "fuzz-" + Long.toHexString(dice.nextLong());
      default -> string(dice, 300);
    };
  }

  /**
   * Bytes that are not UTF-8 (or are, barely): overlong forms, encoded surrogates, NUL, stray
   * continuations.
   */
  static byte[] rawBytes(Dice dice) {
    return switch (dice.below(7)) {
      case 0 -> new byte[] {(byte) 0xC0, (byte) 0xAF};
      case 1 -> new byte[] {(byte) 0xFF, (byte) 0xFE};
      case 2 -> new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
      case 3 -> new byte[] {0};
      case 4 -> new byte[] {(byte) 0x80};
      case 5 -> new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80};
      default -> new byte[] {(byte) 0xE2, (byte) 0x82};
    };
  }
}
