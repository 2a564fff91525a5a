package org.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import org.consentry.cli.imports.HttpFhirSender;
import org.consentry.cli.imports.ImportException;
import org.consentry.cli.imports.OperationParameters;
import org.consentry.cli.imports.ServerUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consentry relabel}: asks the server to relabel every stored resource with the sensitivity
 * value sets in force ({@code $relabel}), then follows the job's progress until it ends. Run it
 * after changing or uploading a sensitivity ValueSet.
 */
@Command(name = "relabel")
final class RelabelCommand implements CliCommand {

  private static final Duration POLL = Duration.ofSeconds(1);

  @Override
  public String name() {
    return "relabel";
  }

  @Override
  public String summary() {
    return "relabel stored data after a sensitivity value set changed (a background job on the server)";
  }

  @Override
  public String usage() {
    return """
				usage: consentry relabel [--server URL] [--token TOKEN]
				  --server URL          FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				  --token TOKEN         send 'Authorization: Bearer TOKEN' (env CONSENTRY_TOKEN)
				Exit code: 0 done, 1 the job failed, 2 could not run."""
        .formatted(FhirServer.DEFAULT_URL);
  }

  @Option(names = "--server")
  String server;

  @Option(names = "--token")
  String token;

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
    server = FhirServer.named(server, context.env());
    if (token == null) {
      token = context.env().get("CONSENTRY_TOKEN");
    }
    URI base = FhirServer.parse(server);
    HttpFhirSender sender = new HttpFhirSender(base, token, Duration.ofMinutes(1));
    try {
      JsonNode job =
          OperationParameters.read(
              sender.post("$relabel", "{\"resourceType\":\"Parameters\"}"), "$relabel");
      String id = OperationParameters.value(job, "job");
      while (true) {
        String status = OperationParameters.value(job, "status");
        context
            .err()
            .printf(
                "relabel: %s, %s / %s resources, %s relabelled%n",
                status,
                OperationParameters.value(job, "processed"),
                OperationParameters.value(job, "total"),
                OperationParameters.value(job, "relabeled"));
        if (status.equals("completed")) {
          context
              .out()
              .printf(
                  "Relabelled %s of %s resources.%n",
                  OperationParameters.value(job, "relabeled"),
                  OperationParameters.value(job, "processed"));
          return ConsentryCli.OK;
        }
        if (status.equals("failed")) {
          context
              .err()
              .println(
                  "consentry relabel: the job failed on the server: "
                      + OperationParameters.value(job, "error"));
          return ConsentryCli.FAILURES;
        }
        Thread.sleep(POLL.toMillis());
        job = OperationParameters.read(sender.get("$relabel-status?job=" + id), "$relabel-status");
      }
    } catch (ServerUnavailableException | ImportException e) {
      context.err().println("consentry relabel: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ConsentryCli.CANNOT_RUN;
    }
  }
}
