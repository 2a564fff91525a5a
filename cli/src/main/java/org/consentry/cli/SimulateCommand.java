package org.consentry.cli;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.imports.ServerUnavailableException;
import org.consentry.cli.simulate.FhirConnection;
import org.consentry.cli.simulate.Fleet;
import org.consentry.cli.simulate.SimulationRun;
import org.consentry.cli.simulate.Wearable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consentry simulate}: N simulated wearables stream heart rate, SpO2 and steps to {@code
 * $ingest-measurements} as the EHR system client, so that anyone can watch the platform under a
 * monitoring load.
 */
@Command(name = "simulate")
final class SimulateCommand implements CliCommand {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public String summary() {
    return "stream heart rate, SpO2 and steps from simulated wearables into the running server";
  }

  @Override
  public String usage() {
    return """
				usage: consentry simulate [--devices N] [--seconds S] [--interval S] [--patients ID,...] [--seed N]
				  --devices N       N synthetic patients (Sim-0001..., tagged urn:consentry:simulator), a Device
				                    each, 1 to 10000 (default 10)
				  --patients ID,... a Device for each of these existing patients instead
				  --seconds S       how long to stream, 0 = until Ctrl-C (default 60)
				  --interval S      each wearable's gateway sends its last S seconds of samples a request,
				                    1 to 300 (default 5)
				  --seed N          the same seed gives the same values (default 1)
				  --server URL      FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				Heart rate (8867-4) every second, SpO2 (59408-5) every 5 s, steps (55423-8) a minute, sent as
				NDJSON to Observation/$ingest-measurements as the EHR system client (or CONSENTRY_TOKEN).
				Prints a line every 10 s, then a summary with the ids and a $series query to paste.
				Exit code: 0 done, 1 some requests failed, 2 could not run."""
        .formatted(FhirServer.DEFAULT_URL);
  }

  @Option(names = "--devices")
  String devices;

  @Option(names = "--patients")
  String patients;

  @Option(names = "--seconds")
  String seconds;

  @Option(names = "--interval")
  String interval;

  @Option(names = "--seed")
  String seed;

  @Option(names = "--server")
  String server;

  @Override
  public int call(Context context) {
    if (devices != null && patients != null) {
      throw new UsageException("give --devices or --patients, not both");
    }
    int count = devices == null ? 10 : whole("--devices", devices, 1, 10_000);
    List<String> patientIds = patients == null ? List.of() : patientIds(patients);
    long runSeconds = seconds == null ? 60 : whole("--seconds", seconds, 0, 7 * 86_400);
    long every = interval == null ? 5 : whole("--interval", interval, 1, 300);
    long runSeed = seed == null ? 1 : whole("--seed", seed, Long.MIN_VALUE, Long.MAX_VALUE);
    URI base = FhirServer.url(server, context.env());
    try {
      FhirConnection fhir = new FhirConnection(base, tokens(context), Duration.ofSeconds(60));
      String serials = "SIM-" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-";
      List<Fleet.Member> members =
          patients == null
              ? Fleet.synthetic(fhir, count, serials)
              : Fleet.forPatients(fhir, patientIds, serials);
      context
          .out()
          .printf(
              "Streaming %d wearables to %s every %d s %s (Ctrl-C ends it).%n",
              members.size(),
              fhir.baseUrl(),
              every,
              runSeconds == 0 ? "until stopped" : "for " + runSeconds + " s");
      SimulationRun run = new SimulationRun(fhir, members, runSeed, context.out(), context.err());
      // Ctrl-C: the run sends what was measured until then, and the summary is printed before
      // the JVM ends
      CountDownLatch summarised = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                run.stop();
                try {
                  summarised.await(3, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        SimulationRun.Result result = run.run(runSeconds, every);
        summary(result, members, fhir.baseUrl(), context);
        return result.failedRequests() == 0 ? ConsentryCli.OK : ConsentryCli.FAILURES;
      } finally {
        context.out().flush();
        summarised.countDown();
        removeHook(hook);
      }
    } catch (ServerUnavailableException e) {
      context
          .err()
          .println("consentry simulate: " + e.getMessage() + "; start it with ./consentry up");
      return ConsentryCli.CANNOT_RUN;
    } catch (FhirConnection.TokenUnavailable | Fleet.Refused e) {
      context.err().println("consentry simulate: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      context.err().println("consentry simulate: interrupted");
      return ConsentryCli.CANNOT_RUN;
    }
  }

  /** {@code CONSENTRY_TOKEN} if set, else a fresh EHR system token each time one is needed. */
  private static Supplier<String> tokens(Context context) {
    String fixed = context.env().get("CONSENTRY_TOKEN");
    if (fixed != null) {
      return () -> fixed;
    }
    IdentitySettings settings = IdentitySettings.from(context.env());
    return () -> {
      try {
        return settings.ehrToken(null);
      } catch (ProvisioningException
          | jakarta.ws.rs.ProcessingException
          | jakarta.ws.rs.WebApplicationException e) {
        throw new FhirConnection.TokenUnavailable(IdentityErrors.describe(e, settings.admin()));
      }
    };
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down (Ctrl-C): the hook has run
    }
  }

  private static void summary(
      SimulationRun.Result result, List<Fleet.Member> members, String base, Context context) {
    long span = Math.max(1, result.endEpochSecond() - result.startEpochSecond());
    context
        .out()
        .printf(
            "Done%s: %d wearables, %d s, %,d measurements sent in %,d requests (%,d/s),"
                + " %d failed requests.%n",
            result.stoppedEarly() ? " (stopped)" : "",
            members.size(),
            span,
            result.measurements(),
            result.requests(),
            result.measurements() / span,
            result.failedRequests());
    context.out().println("Patients: " + ids(members, Fleet.Member::patient));
    context.out().println("Devices:  " + ids(members, Fleet.Member::device));
    Instant start = Instant.ofEpochSecond(result.startEpochSecond());
    Instant end = Instant.ofEpochSecond(result.startEpochSecond() + span);
    context.out().println("Heart rate of Patient/" + members.get(0).patient() + " over the run:");
    context
        .out()
        .printf(
            "curl -s -H \"Authorization: Bearer $(./consentry token ehr)\""
                + " \"%s/Observation/\\$series?patient=Patient/%s&code=%s&start=%s&end=%s"
                + "&bucket=%s\"%n",
            base,
            members.get(0).patient(),
            Wearable.HEART_RATE,
            start,
            end,
            span <= 900 ? "PT10S" : "PT1M");
  }

  private static String ids(
      List<Fleet.Member> members, java.util.function.Function<Fleet.Member, String> id) {
    return members.stream().map(id).collect(Collectors.joining(","));
  }

  private static List<String> patientIds(String value) {
    List<String> ids = new ArrayList<>();
    for (String part : Arrays.asList(value.split(",", -1))) {
      String id = part.strip().replaceFirst("^Patient/", "");
      if (!ID.matcher(id).matches()) {
        throw new UsageException(
            "--patients wants patient ids separated by commas, such as 123,456, not '"
                + value
                + "'");
      }
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    if (ids.size() > 10_000) {
      throw new UsageException("--patients takes at most 10000 patients");
    }
    return ids;
  }

  private static long whole(String option, String value, long min, long max) {
    try {
      long n = Long.parseLong(value.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the usage error
    }
    String range = min == Long.MIN_VALUE ? "" : " from " + min + " to " + max;
    throw new UsageException(option + " wants a whole number" + range + ", not '" + value + "'");
  }

  private static int whole(String option, String value, int min, int max) {
    return (int) whole(option, value, (long) min, (long) max);
  }
}
