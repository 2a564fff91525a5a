package org.consentry.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportOptions.OnError;
import org.consentry.cli.imports.Importer;

/** {@code consentry import PATH... [options]}: the command-line face of {@link Importer}. */
final class ImportCommand implements CliCommand {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8080/fhir";
  private static final Set<String> VALUED =
      Set.of("--server", "--token", "--batch-size", "--batch-bytes", "--on-error", "--parallel");

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
				                        batch Bundle .json file, or a folder searched recursively for both
				  --server URL          FHIR base URL (env CONSENTRY_FHIR_URL, default %s)
				  --token TOKEN         send 'Authorization: Bearer TOKEN' (env CONSENTRY_TOKEN)
				  --batch-size N        resources per transaction Bundle, 1 to 10000 (default %d)
				  --batch-bytes SIZE    most bytes per transaction Bundle, e.g. 8MB or 512KB (default 8MB)
				  --on-error stop|skip  stop at the first resource that fails (default), or report it and go on
				  --parallel N          NDJSON transactions sent at once, 1 to 8 (default %d)
				Running the same import again is safe: resources are stored under their own ids.
				Exit code: 0 all loaded, 1 something failed, 2 could not run."""
        .formatted(
            DEFAULT_SERVER, ImportOptions.DEFAULT_BATCH_SIZE, ImportOptions.DEFAULT_PARALLEL);
  }

  @Override
  public int run(List<String> args, Context context) {
    List<Path> paths = new ArrayList<>();
    String server = context.env().getOrDefault("CONSENTRY_FHIR_URL", DEFAULT_SERVER);
    String token = context.env().get("CONSENTRY_TOKEN");
    ImportOptions options = ImportOptions.defaults();
    boolean onlyPaths = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (onlyPaths || !arg.startsWith("-") || arg.equals("-")) {
        paths.add(Path.of(arg));
        continue;
      }
      if (arg.equals("--")) {
        onlyPaths = true;
        continue;
      }
      if (arg.equals("-h") || arg.equals("--help")) {
        context.out().println(usage());
        return ConsentryCli.OK;
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (!VALUED.contains(name)) {
        throw new UsageException("unknown option " + name);
      }
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException(name + " needs a value");
      }
      switch (name) {
        case "--server" -> server = value;
        case "--token" -> token = value;
        case "--batch-size" -> options = options.withBatchSize(batchSize(value));
        case "--batch-bytes" -> options = options.withMaxBatchBytes(ByteSize.parse(value));
        case "--parallel" -> options = options.withParallel(parallel(value));
        default -> options = options.withOnError(onError(value));
      }
    }
    if (paths.isEmpty()) {
      throw new UsageException("no PATH given: name the files or folders to load");
    }
    return ImportRun.execute(serverUrl(server), paths, options.withBearerToken(token), context);
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

  static URI serverUrl(String value) {
    try {
      URI uri = new URI(value.strip());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // falls through to the usage error
    }
    throw new UsageException(
        "--server wants an http(s) URL such as " + DEFAULT_SERVER + ", not '" + value + "'");
  }
}
