package org.consentry.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.consentry.cli.imports.ImportException;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;
import org.consentry.cli.imports.ServerUnavailableException;

/** Runs one import for the command line: progress on stderr, the table on stdout, an exit code. */
final class ImportRun {

  private ImportRun() {}

  static int execute(
      URI server, List<Path> paths, ImportOptions options, CliCommand.Context context) {
    ProgressReporter progress =
        new ProgressReporter(context.err(), context.stderrIsTerminal(), System::nanoTime);
    Importer importer = new Importer(server, options.withListener(progress));
    try {
      ImportResult result = importer.run(paths);
      progress.finish();
      SummaryTable.print(result, context.out());
      return result.succeeded() ? ConsentryCli.OK : ConsentryCli.FAILURES;
    } catch (ServerUnavailableException e) {
      progress.finish();
      context
          .err()
          .println(
              "consentry import: "
                  + e.getMessage()
                  + "; start it with ./consentry up"
                  + " (or point --server / CONSENTRY_FHIR_URL at a running one)");
      return ConsentryCli.CANNOT_RUN;
    } catch (ImportException e) {
      progress.finish();
      context.err().println("consentry import: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    }
  }
}
