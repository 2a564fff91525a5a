package org.consentry.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes as people write them: {@code 8MB}, {@code 512k}, {@code 1048576}; binary units. */
final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([kmg]?)(?:i?b)?");

  private ByteSize() {}

  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new UsageException(
          "--batch-bytes wants a size such as 8MB or 512KB, not '" + text + "'");
    }
    long bytes =
        Long.parseLong(m.group(1))
            << switch (m.group(2)) {
              case "k" -> 10;
              case "m" -> 20;
              case "g" -> 30;
              default -> 0;
            };
    if (bytes < 1024) {
      throw new UsageException("--batch-bytes must be at least 1KB, not '" + text + "'");
    }
    return bytes;
  }
}
