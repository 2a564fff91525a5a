package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Who sends a request: a name for the report, the {@code consentry token} arguments that get its
 * access token (none: requests go without one), and, for a patient, their own Patient id. Tokens
 * are fetched by running the launcher, the way an operator gets one, and fetched again a minute
 * before they expire (user tokens live five minutes).
 */
final class Requester {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  private static final Pattern JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /**
   * The shell function a report defines, so that curl lines get a clean token: {@code $(token
   * ARGS)}.
   */
  static final String SHELL_FUNCTION =
      "token() { %s token \"$@\" | sed 's/\\x1b\\[[0-9;]*m//g' | tail -n 1; }";

  private final String name;
  private final List<String> tokenCommand;
  private final List<String> tokenArgs;
  private final String patientId;
  private String token;
  private long refreshAt;

  /**
   * @param launcher the launcher, e.g. {@code ./consentry}; it is run as {@code launcher token
   *     ARGS...}
   * @param tokenArgs what follows {@code token}, e.g. {@code fuzz-patient --scope patient/*.cruds};
   *     empty: no token
   * @param patientId the requester's own Patient id, or null
   */
  Requester(String name, String launcher, List<String> tokenArgs, String patientId) {
    this.name = name;
    this.tokenArgs = List.copyOf(tokenArgs);
    this.tokenCommand = new ArrayList<>(List.of(launcher, "token"));
    this.tokenCommand.addAll(tokenArgs);
    this.patientId = patientId;
  }

  /**
   * {@code NAME[@PATIENT_ID]=TOKEN ARGS}, e.g. {@code patient@123=fuzz-patient --scope
   * patient/*.cruds}.
   */
  static Requester parse(String spec, String launcher) {
    int equals = spec.indexOf('=');
    if (equals <= 0) {
      throw new IllegalArgumentException(
          "--requester wants NAME[@PATIENT_ID]=TOKEN ARGS, not " + spec);
    }
    String head = spec.substring(0, equals);
    int at = head.indexOf('@');
    String args = spec.substring(equals + 1).trim();
    return new Requester(
        at < 0 ? head : head.substring(0, at),
        launcher,
        args.isEmpty() ? List.of() : Arrays.asList(args.split("\\s+")),
        at < 0 ? null : head.substring(at + 1));
  }

  String name() {
    return name;
  }

  String patientId() {
    return patientId;
  }

  /**
   * A valid token (fetched when missing or about to expire), or null for an anonymous requester.
   */
  synchronized String token() {
    if (tokenArgs.isEmpty()) {
      return null;
    }
    if (token == null || System.currentTimeMillis() > refreshAt) {
      token = fetch();
      refreshAt = expiry(token) - 60_000;
    }
    return token;
  }

  /**
   * The Authorization option of a curl line: a fresh token from the {@link #SHELL_FUNCTION} {@code
   * token}.
   */
  String curlOption() {
    if (tokenArgs.isEmpty()) {
      return "";
    }
    StringBuilder command = new StringBuilder("token");
    for (String part : tokenArgs) {
      command.append(' ').append(Curl.shellWord(part));
    }
    return "-H \"Authorization: Bearer $(" + command + ")\" ";
  }

  /** The definition of the shell function {@code token} for this requester's launcher. */
  String shellFunction() {
    return SHELL_FUNCTION.formatted(Curl.shellWord(tokenCommand.get(0)));
  }

  private String fetch() {
    try {
      Process process =
          new ProcessBuilder(tokenCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new FuzzException(
            "no token for " + name + ": `" + String.join(" ", tokenCommand) + "` took over 120 s");
      }
      String found = jwt(new String(out, StandardCharsets.UTF_8));
      if (process.exitValue() != 0 || found == null) {
        throw new FuzzException(
            "no token for "
                + name
                + ": `"
                + String.join(" ", tokenCommand)
                + "` exited "
                + process.exitValue());
      }
      return found;
    } catch (IOException e) {
      throw new FuzzException("no token for " + name + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FuzzException("interrupted while fetching a token for " + name);
    }
  }

  /**
   * The last JWT in the launcher's output. {@code consentry token ehr} prints ANSI colour resets
   * ({@code ESC[0m}) before the token on the same line, and a first run may print build output.
   */
  static String jwt(String output) {
    String found = null;
    for (String line : ANSI.matcher(output).replaceAll("").split("\n")) {
      if (JWT.matcher(line.trim()).matches()) {
        found = line.trim();
      }
    }
    return found;
  }

  /** The token's {@code exp} in epoch milliseconds; four minutes from now if it cannot be read. */
  static long expiry(String jwt) {
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
