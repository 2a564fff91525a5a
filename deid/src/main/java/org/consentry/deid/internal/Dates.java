package org.consentry.deid.internal;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Date arithmetic on the FHIR text of date, dateTime and instant values ({@code YYYY}, {@code
 * YYYY-MM}, {@code YYYY-MM-DD}, then optionally {@code Thh:mm:ss[.fff]} and a zone), done on the
 * text so that nothing but the calendar date changes.
 *
 * <p>Shift: the calendar date moves by a whole number of days; the time of day, its fraction and
 * the zone offset are copied unchanged, so the instant moves by exactly that many times 24 hours
 * and every interval between two values shifted alike is kept exactly. A partial date keeps its
 * precision: a month is shifted from its 15th and written as a month, a year from its 2 July and
 * written as a year (so a shift of at most 182 days never changes it).
 */
final class Dates {

  private Dates() {}

  /** The value moved by {@code days}, same precision and same time and zone; null if unreadable. */
  static String shift(String value, int days) {
    int length = value.length();
    if (length < 4 || !digits(value, 0, 4)) {
      return null;
    }
    try {
      int year = Integer.parseInt(value, 0, 4, 10);
      if (length == 4) {
        return pad(LocalDate.of(year, 7, 2).plusDays(days).getYear());
      }
      if (length < 7 || value.charAt(4) != '-' || !digits(value, 5, 7)) {
        return null;
      }
      int month = Integer.parseInt(value, 5, 7, 10);
      if (length == 7) {
        LocalDate moved = LocalDate.of(year, month, 15).plusDays(days);
        return pad(moved.getYear()) + '-' + two(moved.getMonthValue());
      }
      if (length < 10 || value.charAt(7) != '-' || !digits(value, 8, 10)) {
        return null;
      }
      if (length > 10 && value.charAt(10) != 'T') {
        return null;
      }
      LocalDate moved =
          LocalDate.of(year, month, Integer.parseInt(value, 8, 10, 10)).plusDays(days);
      return pad(moved.getYear())
          + '-'
          + two(moved.getMonthValue())
          + '-'
          + two(moved.getDayOfMonth())
          + value.substring(10);
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  /** The year of the value, or -1 if it does not start with one. */
  static int year(String value) {
    if (value.length() < 4 || !digits(value, 0, 4)) {
      return -1;
    }
    return Integer.parseInt(value, 0, 4, 10);
  }

  static String pad(int year) {
    if (year < 0 || year > 9999) {
      throw new DateTimeException("year out of range: " + year);
    }
    String text = Integer.toString(year);
    return "0000".substring(text.length()) + text;
  }

  private static String two(int value) {
    return value < 10 ? "0" + value : Integer.toString(value);
  }

  private static boolean digits(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
