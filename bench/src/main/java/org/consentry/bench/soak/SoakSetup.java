package org.consentry.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentry.bench.soak.SoakWorld.Patient;

/**
 * Before the clock starts: loads the soak's resources as the EHR client (transaction Bundles of
 * PUTs), adds dr X ({@code LAUNCHER user add-practitioner}, in organization a) and one patient user
 * per watched patient ({@code LAUNCHER user add-patient}), keeping the passwords those commands
 * print, and fetches a first token of each.
 */
final class SoakSetup {

  /** The scopes a watched patient asks for besides the defaults: it writes its own Consents. */
  static final String PATIENT_SCOPES = "patient/Consent.write";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PASSWORD = Pattern.compile("Password: (\\S+)");
  private static final int BUNDLE_SIZE = 400;

  private final SoakWorld world;
  private final SoakHttp http;
  private final String launcher;
  private final URI issuer;

  SoakSetup(SoakWorld world, SoakHttp http, String launcher, URI issuer) {
    this.world = world;
    this.http = http;
    this.launcher = launcher;
    this.issuer = issuer;
  }

  /** Loads the data through the first node. */
  void load(Tokens ehr, long seed) {
    List<ObjectNode> resources = world.setupResources(seed);
    for (int from = 0; from < resources.size(); from += BUNDLE_SIZE) {
      ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle");
      bundle.put("type", "transaction");
      ArrayNode entries = bundle.putArray("entry");
      for (ObjectNode resource :
          resources.subList(from, Math.min(resources.size(), from + BUNDLE_SIZE))) {
        String url = resource.get("resourceType").asText() + "/" + resource.get("id").asText();
        ObjectNode entry = entries.addObject();
        entry.set("resource", resource);
        entry.putObject("request").put("method", "PUT").put("url", url);
      }
      SoakHttp.Answer answer =
          http.send(
              SoakStats.Kind.CREATE, "POST", http.nodes().get(0), ehr.get(), bundle.toString());
      if (answer.status() != 200) {
        throw new SoakException(
            "loading the soak's data failed: "
                + (answer.answered()
                    ? answer.status() + " " + brief(answer.body())
                    : answer.problem()));
      }
    }
  }

  /** Dr X's tokens (added as a practitioner of organization a). */
  Tokens addPractitioner() {
    String username = world.run + "-drx";
    String password =
        user(
            "add-practitioner",
            username,
            world.practitioner(),
            "--organization",
            world.organization('a'));
    return check(Tokens.user(issuer, username, password, null));
  }

  /** Each watched patient's tokens, by patient id. */
  Map<String, Tokens> addPatients() {
    Map<String, Tokens> out = new LinkedHashMap<>();
    for (Patient patient : world.watched) {
      String password = user("add-patient", patient.id, "Patient/" + patient.id);
      out.put(patient.id, check(Tokens.user(issuer, patient.id, password, PATIENT_SCOPES)));
    }
    return out;
  }

  private static Tokens check(Tokens tokens) {
    tokens.get(); // fails now, with Keycloak's reason, rather than in the middle of the run
    return tokens;
  }

  /** Runs {@code LAUNCHER user VERB ARGS...} and returns the password it printed. */
  private String user(String verb, String... args) {
    List<String> command = new ArrayList<>(List.of(launcher, "user", verb));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SoakException("`" + String.join(" ", command) + "` took over 2 minutes");
      }
      Matcher password = PASSWORD.matcher(out);
      if (process.exitValue() != 0 || !password.find()) {
        throw new SoakException(
            "`"
                + String.join(" ", command)
                + "` exited "
                + process.exitValue()
                + ": "
                + brief(out));
      }
      return password.group(1);
    } catch (IOException e) {
      throw new SoakException("cannot run " + launcher + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SoakException("interrupted while adding users");
    }
  }

  private static String brief(String text) {
    String flat = text == null ? "" : text.replaceAll("\\s+", " ");
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }
}
