package org.consentry.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.imports.ResourceJson;

/**
 * {@code consentry research export STUDY --out DIR}: runs a research export on the server as a
 * researcher (a Keycloak user with role {@code researcher}) and saves it; see {@link
 * ResearchExport}.
 */
final class ResearchCommand implements CliCommand {

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  private static final Set<String> VALUED =
      Set.of("--out", "--user", "--type", "--timeout", "--server");
  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");

  /** Fresh access tokens of a user; the seam tests replace. */
  interface UserTokens {
    String fetch(Map<String, String> env, String username);
  }

  private final UserTokens tokens;
  private final ResearchExport.Pacing pacing;

  ResearchCommand() {
    this(ResearchCommand::keycloakToken, ResearchExport.Pacing.REAL);
  }

  ResearchCommand(UserTokens tokens, ResearchExport.Pacing pacing) {
    this.tokens = tokens;
    this.pacing = pacing;
  }

  @Override
  public String name() {
    return "research";
  }

  @Override
  public String summary() {
    return "export STUDY --out DIR: save a study's consented, de-identified data as a researcher";
  }

  @Override
  public String usage() {
    return """
				usage: consentry research export STUDY --out DIR [--user USERNAME] [--type TYPE,TYPE...]
				                                 [--timeout DURATION] [--overwrite] [--server URL]
				  Runs the study's export on the server as a researcher and waits for it, then saves into DIR
				  one TYPE.ndjson per resource type, manifest.json, risk-report.txt and
				  representativeness-report.txt, and prints the cohort, the counts and the reports' headlines.
				  STUDY               ResearchStudy/ID or ID
				  --out DIR           the folder to save into, created if missing
				  --user USERNAME     the researcher (./consentry user add-researcher USERNAME; env
				                      CONSENTRY_USER); signs in with its saved password or CONSENTRY_PASSWORD
				  --type TYPE,...     only these resource types, e.g. Patient,Observation (default: all)
				  --timeout DURATION  how long to wait for the job, e.g. 90s, 30m, 1h30m (default 30m)
				  --overwrite         replace an export already saved in DIR (otherwise refused)
				  --server URL        FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				Exit code: 0 saved, 1 refused by the server, failed or timed out, 2 could not run."""
        .formatted(ImportCommand.DEFAULT_SERVER);
  }

  @Override
  public int run(List<String> args, Context context) {
    if (args.isEmpty()) {
      throw new UsageException("expected export");
    }
    if (List.of("-h", "--help").contains(args.get(0))) {
      context.out().println(usage());
      return ConsentryCli.OK;
    }
    if (!args.get(0).equals("export")) {
      throw new UsageException("unknown verb '" + args.get(0) + "': expected export");
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("-h") || rest.contains("--help")) {
      context.out().println(usage());
      return ConsentryCli.OK;
    }
    ResearchExport.Request request = parse(rest, context.env());
    Map<String, String> env = context.env();
    return new ResearchExport(request, pacing, () -> tokens.fetch(env, request.user()), context)
        .run();
  }

  private static ResearchExport.Request parse(List<String> args, Map<String, String> env) {
    List<String> studies = new ArrayList<>();
    String server = env.getOrDefault("CONSENTRY_FHIR_URL", ImportCommand.DEFAULT_SERVER);
    String user = env.get("CONSENTRY_USER");
    String out = null;
    Set<String> types = new LinkedHashSet<>();
    Duration timeout = DEFAULT_TIMEOUT;
    boolean overwrite = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-")) {
        studies.add(arg);
        continue;
      }
      if (arg.equals("--overwrite")) {
        overwrite = true;
        continue;
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!VALUED.contains(name)) {
        throw new UsageException("unknown option " + name);
      }
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException(name + " needs a value");
      }
      switch (name) {
        case "--out" -> out = value;
        case "--user" -> user = value;
        case "--type" -> types.addAll(types(value));
        case "--timeout" -> timeout = duration(value);
        default -> server = value;
      }
    }
    if (studies.size() != 1) {
      throw new UsageException(
          studies.isEmpty() ? "no STUDY given" : "one STUDY at a time, not " + studies);
    }
    if (out == null || out.isBlank()) {
      throw new UsageException("--out DIR is required: the folder to save the export into");
    }
    if (user == null || user.isBlank()) {
      throw new UsageException("no researcher: pass --user USERNAME or set CONSENTRY_USER");
    }
    String base = ImportCommand.serverUrl(server).toString().replaceAll("/+$", "");
    return new ResearchExport.Request(
        URI.create(base),
        study(studies.get(0)),
        List.copyOf(types),
        Path.of(out),
        user.strip(),
        timeout,
        overwrite);
  }

  /** {@code ResearchStudy/ID} from {@code ResearchStudy/ID} or {@code ID}. */
  static String study(String value) {
    String text = value.strip();
    String id =
        text.startsWith("ResearchStudy/") ? text.substring("ResearchStudy/".length()) : text;
    if (!ResourceJson.ID.matcher(id).matches()) {
      throw new UsageException("STUDY wants ResearchStudy/ID or ID, not '" + value + "'");
    }
    return "ResearchStudy/" + id;
  }

  private static List<String> types(String value) {
    List<String> types = new ArrayList<>();
    for (String type : value.split(",")) {
      if (!ResourceJson.TYPE.matcher(type.strip()).matches()) {
        throw new UsageException(
            "--type wants resource types such as Patient,Observation, not '" + value + "'");
      }
      types.add(type.strip());
    }
    return types;
  }

  /** {@code 90s}, {@code 30m}, {@code 1h30m}... */
  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.strip());
    if (m.matches() && !value.isBlank()) {
      Duration d =
          Duration.ofHours(number(m.group(1)))
              .plusMinutes(number(m.group(2)))
              .plusSeconds(number(m.group(3)));
      if (!d.isZero()) {
        return d;
      }
    }
    throw new UsageException(
        "--timeout wants a duration such as 90s, 30m or 1h30m, not '" + value + "'");
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }

  /** The inverse of {@link #duration}: {@code 1h30m}, {@code 90s} as {@code 1m30s}. */
  static String format(Duration d) {
    long s = d.toSeconds();
    String text =
        (s >= 3600 ? s / 3600 + "h" : "")
            + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "")
            + (s % 60 > 0 ? s % 60 + "s" : "");
    return text.isEmpty() ? "0s" : text;
  }

  /** A fresh token through Keycloak, as {@code ./consentry token USERNAME} gets it. */
  static String keycloakToken(Map<String, String> env, String username) {
    IdentitySettings settings;
    try {
      settings = IdentitySettings.from(env);
    } catch (UsageException e) {
      throw new ResearchExport.Failure(ConsentryCli.CANNOT_RUN, e.getMessage());
    }
    try {
      return TokenCommand.userToken(settings, env, username, null);
    } catch (UsageException e) {
      throw new ResearchExport.Failure(ConsentryCli.CANNOT_RUN, e.getMessage());
    } catch (ProvisioningException
        | jakarta.ws.rs.ProcessingException
        | jakarta.ws.rs.WebApplicationException e) {
      throw new ResearchExport.Failure(
          ConsentryCli.CANNOT_RUN,
          "cannot get a token for "
              + username
              + ": "
              + IdentityErrors.describe(e, settings.admin()));
    }
  }
}
