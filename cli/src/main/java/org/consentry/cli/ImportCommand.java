package org.consentry.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportOptions.OnError;
import org.consentry.cli.imports.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code consentry import PATH... [options]}: the command-line face of {@link Importer}. */
@Command(name = "import")
final class ImportCommand implements CliCommand {

  @Override
  public String name() {
    return "import";
  }

  @Override
  public String summary() {
    return "load NDJSON files, Bundle JSON files or folders of them into the running server";
  }

  @Override
  public String usage() {
    return """
				usage: consentry import PATH... [options]
				  PATH                  an .ndjson (or .ndjson.gz) file with one resource per line, a transaction or
				                        batch Bundle .json file, or a folder searched recursively for both; in a
				                        folder, files that are not FHIR data (another server's export log, manifest,
				                        OperationOutcome error files, *.txt) are skipped and named
				  --server URL          FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				  --token TOKEN         send 'Authorization: Bearer TOKEN' (env CONSENTRY_TOKEN)
				  --batch-size N        most resources per transaction Bundle, 1 to 10000 (default %d)
				  --batch-bytes SIZE    most bytes per transaction Bundle, e.g. 8MB or 512KB (default 8MB)
				  --on-error stop|skip  stop at the first resource that fails (default), or report it and go on
				  --parallel N          NDJSON transactions sent at once, 1 to 8 (default %d)
				Running the same import again is safe: resources are stored under their own ids.
				Exit code: 0 all loaded, 1 something failed, 2 could not run."""
        .formatted(
            FhirServer.DEFAULT_URL,
            ImportOptions.DEFAULT_BATCH_SIZE,
            ImportOptions.DEFAULT_PARALLEL);
  }

  @Parameters List<String> paths = new ArrayList<>();

  @Option(names = "--server")
  String server;

  @Option(names = "--token")
  String token;

  @Option(names = "--batch-size")
  String batchSize;

  @Option(names = "--batch-bytes")
  String batchBytes;

  @Option(names = "--on-error")
  String onError;

  @Option(names = "--parallel")
  String parallel;

  @Override
  public int call(Context context) {
    ImportOptions options = ImportOptions.defaults();
    if (batchSize != null) {
      options = options.withBatchSize(batchSize(batchSize));
    }
    if (batchBytes != null) {
      options = options.withMaxBatchBytes(ByteSize.parse(batchBytes));
    }
    if (onError != null) {
      options = options.withOnError(onError(onError));
    }
    if (parallel != null) {
      options = options.withParallel(parallel(parallel));
    }
    if (paths.isEmpty()) {
      throw new UsageException("no PATH given: name the files or folders to load");
    }
    URI base = FhirServer.url(server, context.env());
    String bearer = token != null ? token : context.env().get("CONSENTRY_TOKEN");
    return ImportRun.execute(
        base, paths.stream().map(Path::of).toList(), options.withBearerToken(bearer), context);
  }

  private static int batchSize(String value) {
    try {
      int size = Integer.parseInt(value.strip());
      if (size >= 1 && size <= 10_000) {
        return size;
      }
    } catch (NumberFormatException e) {
      // falls through to the usage error
    }
    throw new UsageException(
        "--batch-size wants a whole number from 1 to 10000, not '" + value + "'");
  }

  private static int parallel(String value) {
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 1 && n <= 8) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the usage error
    }
    throw new UsageException("--parallel wants a whole number from 1 to 8, not '" + value + "'");
  }

  private static OnError onError(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "stop" -> OnError.STOP;
      case "skip" -> OnError.SKIP;
      default -> throw new UsageException("--on-error wants stop or skip, not '" + value + "'");
    };
  }
}
