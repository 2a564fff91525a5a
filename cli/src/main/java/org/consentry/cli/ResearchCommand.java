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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code consentry research export STUDY --out DIR}: runs a research export on the server as a
 * researcher (a Keycloak user with role {@code researcher}) and saves it; see {@link
 * ResearchExport}.
 */
@Command(name = "research", subcommands = ResearchCommand.Export.class)
final class ResearchCommand implements CliCommand {

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
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
				  --overwrite         replace an export (or NDJSON files) already in DIR (otherwise refused)
				  --server URL        FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				Exit code: 0 saved, 1 refused by the server, failed or timed out, 2 could not run."""
        .formatted(FhirServer.DEFAULT_URL);
  }

  @Override
  public int call(Context context) {
    throw new UsageException("expected export");
  }

  @Override
  public String unexpected(String argument) {
    return "unknown verb '" + argument + "': expected export";
  }

  /** {@code research export STUDY --out DIR ...}. */
  @Command(name = "export")
  static final class Export implements CliPart {
    @ParentCommand ResearchCommand research;

    @Parameters List<String> studies = new ArrayList<>();

    @Option(names = "--out")
    String out;

    @Option(names = "--user")
    String user;

    @Option(names = "--type")
    List<String> types = new ArrayList<>();

    @Option(names = "--timeout")
    String timeout;

    @Option(names = "--overwrite")
    boolean overwrite;

    @Option(names = "--server")
    String server;

    @Override
    public int call(Context context) {
      ResearchExport.Request request = request(context.env());
      Map<String, String> env = context.env();
      return new ResearchExport(
              request, research.pacing, () -> research.tokens.fetch(env, request.user()), context)
          .run();
    }

    private ResearchExport.Request request(Map<String, String> env) {
      Set<String> typeSet = new LinkedHashSet<>();
      types.forEach(value -> typeSet.addAll(types(value)));
      Duration wait = timeout == null ? DEFAULT_TIMEOUT : duration(timeout);
      if (studies.size() != 1) {
        throw new UsageException(
            studies.isEmpty() ? "no STUDY given" : "one STUDY at a time, not " + studies);
      }
      if (out == null || out.isBlank()) {
        throw new UsageException("--out DIR is required: the folder to save the export into");
      }
      String researcher = user != null ? user : env.get("CONSENTRY_USER");
      if (researcher == null || researcher.isBlank()) {
        throw new UsageException("no researcher: pass --user USERNAME or set CONSENTRY_USER");
      }
      String base = FhirServer.url(server, env).toString().replaceAll("/+$", "");
      return new ResearchExport.Request(
          URI.create(base),
          study(studies.get(0)),
          List.copyOf(typeSet),
          Path.of(out),
          researcher.strip(),
          wait,
          overwrite);
    }
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
