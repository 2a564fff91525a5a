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

/**
 * {@code consentry audit verify}: asks the server to check the audit trail ({@code $audit-verify}:
 * the hash chain from its start or last prune, and every signed checkpoint) and prints what it
 * found: intact, or the first altered, deleted, inserted or reordered record and the last
 * checkpoint that still holds. Acts as an auditor (a Keycloak user with role {@code auditor}).
 */
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
        .formatted(ImportCommand.DEFAULT_SERVER);
  }

  @Override
  public int run(List<String> args, Context context) {
    if (args.isEmpty() || List.of("-h", "--help").contains(args.get(0))) {
      if (args.isEmpty()) {
        throw new UsageException("expected verify");
      }
      context.out().println(usage());
      return ConsentryCli.OK;
    }
    if (!args.get(0).equals("verify")) {
      throw new UsageException("unknown verb '" + args.get(0) + "' (expected verify)");
    }
    Map<String, String> env = context.env();
    String server = env.getOrDefault("CONSENTRY_FHIR_URL", ImportCommand.DEFAULT_SERVER);
    String user = env.get("CONSENTRY_USER");
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.equals("--server") && !arg.equals("--user")) {
        throw new UsageException("unknown argument " + arg);
      }
      if (i + 1 >= args.size() || args.get(i + 1).isBlank()) {
        throw new UsageException(arg + " needs a value");
      }
      if (arg.equals("--server")) {
        server = args.get(++i);
      } else {
        user = args.get(++i);
      }
    }
    URI base = ImportCommand.serverUrl(server);
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
