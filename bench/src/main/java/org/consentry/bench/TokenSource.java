package org.consentry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A bearer token for one side of a benchmark: either given once ({@code --token-a T}; it must
 * outlive the run) or fetched with {@code LAUNCHER token USER} and fetched again a minute before it
 * expires (user tokens live five minutes), the way an operator gets one.
 */
public final class TokenSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  private final String fixed;
  private final List<String> command;
  private String token;
  private long refreshAt;

  private TokenSource(String fixed, List<String> command) {
    this.fixed = fixed;
    this.command = command;
  }

  /** A token used as given; null or empty: requests go without one. */
  static TokenSource fixed(String token) {
    return new TokenSource(token == null || token.isEmpty() ? null : token, null);
  }

  /** A token fetched by {@code launcher token user} whenever the last one is about to expire. */
  static TokenSource launcher(String launcher, String user) {
    return new TokenSource(null, List.of(launcher, "token", user));
  }

  /** Who the token is for, for messages: the user, or "the given token". */
  String describe() {
    return command == null
        ? (fixed == null ? "no token" : "the given token")
        : "`" + String.join(" ", command) + "`";
  }

  /** The token to send now, or null for none. */
  synchronized String get() {
    if (command == null) {
      return fixed;
    }
    if (token == null || System.currentTimeMillis() > refreshAt) {
      token = fetch();
      refreshAt = expiry(token) - 60_000;
    }
    return token;
  }

  /**
   * Fetches a fresh token now (a launcher's; a given token stays as it is), so that a timed phase
   * that starts next does not fetch one midway.
   */
  synchronized void renew() {
    if (command != null) {
      token = fetch();
      refreshAt = expiry(token) - 60_000;
    }
  }

  private String fetch() {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BenchException("no token: " + describe() + " took over 120 s");
      }
      String found = jwt(new String(out, StandardCharsets.UTF_8));
      if (process.exitValue() != 0 || found == null) {
        throw new BenchException("no token: " + describe() + " exited " + process.exitValue());
      }
      return found;
    } catch (IOException e) {
      throw new BenchException("no token: " + describe() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while fetching a token");
    }
  }

  /** The last JWT in the launcher's output, which may carry ANSI colour codes and build output. */
  public static String jwt(String output) {
    String found = null;
    for (String line : ANSI.matcher(output).replaceAll("").split("\n")) {
      if (JWT.matcher(line.trim()).matches()) {
        found = line.trim();
      }
    }
    return found;
  }

  /** The token's {@code exp} in epoch milliseconds; four minutes from now if it cannot be read. */
  public static long expiry(String jwt) {
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
      if (claims.path("exp").canConvertToLong()) {
        return claims.path("exp").asLong() * 1000;
      }
    } catch (IOException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      // falls through
    }
    return System.currentTimeMillis() + 240_000;
  }
}
