package org.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.consentry.cli.imports.HttpFhirSender;
import org.consentry.cli.imports.ImportException;
import org.consentry.cli.imports.OperationParameters;
import org.consentry.cli.imports.ServerUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code consentry audit verify}: asks the server to check the audit trail ({@code $audit-verify}:
 * the hash chain from its start or last prune, and every signed checkpoint) and prints what it
 * found: intact, or the first altered, deleted, inserted or reordered record and the last
 * checkpoint that still holds. Acts as an auditor (a Keycloak user with role {@code auditor}).
 */
@Command(name = "audit", subcommands = AuditCommand.Verify.class)
final class AuditCommand implements CliCommand {

  private final ResearchCommand.UserTokens tokens;

  AuditCommand() {
    this(ResearchCommand::keycloakToken);
  }

  AuditCommand(ResearchCommand.UserTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public String summary() {
    return "verify: check the audit trail's hash chain and signed checkpoints (as an auditor)";
  }

  @Override
  public String usage() {
    return """
				usage: consentry audit verify [--user USERNAME] [--server URL]
				  --user USERNAME   the auditor (./consentry user add-auditor USERNAME; env CONSENTRY_USER);
				                    or set CONSENTRY_TOKEN to an auditor's access token
				  --server URL      FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				Exit code: 0 intact, 1 tampered (the first problem is printed), 2 could not run."""
        .formatted(FhirServer.DEFAULT_URL);
  }

  @Override
  public int call(Context context) {
    throw new UsageException("expected verify");
  }

  @Override
  public String unexpected(String argument) {
    return "unknown verb '" + argument + "' (expected verify)";
  }

  @Command(name = "verify")
  static final class Verify implements CliPart {
    @ParentCommand AuditCommand audit;

    @Option(names = "--server")
    String server;

    @Option(names = "--user")
    String user;

    @Override
    public String unknownOption(String option) {
      return "unknown argument " + option;
    }

    @Override
    public String unexpected(String argument) {
      return "unknown argument " + argument;
    }

    @Override
    public int call(Context context) {
      for (String[] option : new String[][] {{"--server", server}, {"--user", user}}) {
        if (option[1] != null && option[1].isBlank()) {
          throw new UsageException(option[0] + " needs a value");
        }
      }
      return audit.verify(
          context,
          FhirServer.named(server, context.env()),
          user != null ? user : context.env().get("CONSENTRY_USER"));
    }
  }

  private int verify(Context context, String server, String user) {
    Map<String, String> env = context.env();
    URI base = FhirServer.parse(server);
    try {
      String token = env.get("CONSENTRY_TOKEN");
      if (user != null && !user.isBlank()) {
        token = tokens.fetch(env, user.strip());
      } else if (token == null || token.isBlank()) {
        throw new UsageException(
            "no auditor: pass --user USERNAME (./consentry user add-auditor USERNAME) or set"
                + " CONSENTRY_TOKEN");
      }
      HttpFhirSender sender = new HttpFhirSender(base, token, Duration.ofMinutes(30));
      JsonNode report = OperationParameters.read(sender.get("$audit-verify"), "$audit-verify");
      return print(report, context);
    } catch (ResearchExport.Failure e) {
      context.err().println("consentry audit: " + e.getMessage());
      return e.exitCode;
    } catch (ServerUnavailableException | ImportException e) {
      context.err().println("consentry audit: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    }
  }

  private static int print(JsonNode report, Context context) {
    boolean intact = false;
    for (JsonNode parameter : report.path("parameter")) {
      String name = parameter.path("name").asText();
      if (name.equals("intact")) {
        intact = parameter.path("valueBoolean").asBoolean(false);
      } else if (name.equals("problem")) {
        context
            .out()
            .printf(
                "first problem: record %s (AuditEvent/%s): %s: %s%n",
                part(parameter, "seq"),
                part(parameter, "seq"),
                part(parameter, "kind"),
                part(parameter, "detail"));
      } else if (name.equals("lastGoodCheckpoint")) {
        context
            .out()
            .printf(
                "last checkpoint that holds: record %s, signed %s%n",
                part(parameter, "seq"), part(parameter, "created"));
      }
    }
    context.out().println(OperationParameters.value(report, "text"));
    context.out().println(intact ? "audit trail intact" : "audit trail TAMPERED");
    return intact ? ConsentryCli.OK : ConsentryCli.FAILURES;
  }

  private static String part(JsonNode parameter, String name) {
    for (JsonNode part : parameter.path("part")) {
      if (name.equals(part.path("name").asText())) {
        for (String key : List.of("valueString", "valueCode", "valueDateTime", "valueBoolean")) {
          if (part.has(key)) {
            return part.path(key).asText();
          }
        }
      }
    }
    return "?";
  }
}
