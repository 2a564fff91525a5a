package org.consentry.server.devices.series;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Instants as gateways send them, to epoch milliseconds, exactly as {@link OffsetDateTime#parse}
 * reads them: the common form {@code 2026-11-29T04:00:00Z} (with or without a fraction of a second)
 * by hand, every other form through {@code OffsetDateTime}. Pure.
 */
final class Instants {

  private Instants() {}

  /**
   * The instant's epoch milliseconds (a fraction beyond milliseconds cut off).
   *
   * @throws DateTimeParseException if it is not an ISO-8601 date-time with its offset
   */
  static long epochMilli(String text) {
    long fast = utc(text);
    return fast != Long.MIN_VALUE ? fast : OffsetDateTime.parse(text).toInstant().toEpochMilli();
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} read by hand, or Long.MIN_VALUE for anything else. */
  static long utc(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(n - 1) != 'Z'
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return Long.MIN_VALUE;
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return Long.MIN_VALUE;
    }
    int millis = 0;
    if (n > 20) {
      // a fraction: '.' and 1 to 9 digits
      int fraction = n - 1 - 20;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9 || digits(s, 20, n - 1) < 0) {
        return Long.MIN_VALUE;
      }
      for (int i = 0; i < 3; i++) {
        millis = millis * 10 + (20 + i < n - 1 ? s.charAt(20 + i) - '0' : 0);
      }
    } else if (s.charAt(19) != 'Z') {
      return Long.MIN_VALUE;
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return Long.MIN_VALUE; // OffsetDateTime names the error
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  /** The decimal number in {@code s[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
