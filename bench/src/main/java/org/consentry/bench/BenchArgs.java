package org.consentry.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one benchmark, checked against the names it knows. */
final class BenchArgs {

  private final Map<String, String> values = new HashMap<>();

  BenchArgs(List<String> args, Set<String> known) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new IllegalArgumentException(
            "unknown option " + arg + " (known: --" + String.join(", --", known) + ")");
      }
      if (equals >= 0) {
        values.put(name.substring(2), arg.substring(equals + 1));
      } else if (i + 1 < args.size()) {
        values.put(name.substring(2), args.get(++i));
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
    }
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  int integer(String name, int fallback, int min, int max) {
    String text = values.get(name);
    try {
      int value = text == null ? fallback : Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(
        "--" + name + " wants a number from " + min + " to " + max + ", not " + text);
  }

  /**
   * The server's base URL, which must be on this machine: benchmarks send load, and load goes only
   * to a server of ours on the loopback interface.
   */
  URI loopbackServer() {
    URI uri = URI.create(get("server", "http://127.0.0.1:8080/fhir"));
    try {
      if (uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "--server must be a loopback address (127.0.0.1, localhost), not " + uri);
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host in --server " + uri);
    }
    String text = uri.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }
}
