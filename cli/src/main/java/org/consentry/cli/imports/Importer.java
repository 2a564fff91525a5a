package org.consentry.cli.imports;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Loads FHIR data files into a running FHIR server: bulk-data NDJSON ({@code *.ndjson}, also
 * gzipped) and transaction or batch Bundles ({@code *.json}), or folders of them.
 *
 * <p>Guarantees: a re-run of the same input creates no duplicates (NDJSON is sent as {@code PUT
 * Type/id}; bundle entries with an id are rewritten to PUTs, see {@link BundleRewriter}); resources
 * are loaded after the ones they reference, whatever order the files come in; every resource that
 * does not load is reported once, with its file and line or bundle entry and the server's reason.
 * Order: bundles without a Patient first (reference data), then NDJSON, then the other bundles.
 * Files in a folder that are not FHIR data (another server's Bulk Data export holds its manifest,
 * logs and OperationOutcome error files) are skipped and named ({@link SkippedFile}), not failed;
 * OperationOutcome lines are never loaded as data.
 *
 * <p>Fails with {@link ServerUnavailableException} when the server does not answer, and with {@link
 * ImportException} when an input path is unusable, the URL is not a FHIR server or the server
 * refuses the credentials. Everything else is reported in the {@link ImportResult}.
 */
public final class Importer {

  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  private final FhirSender sender;
  private final ImportOptions options;
  private final LongSupplier nanoTime;

  /**
   * An importer that talks HTTP to the FHIR server at {@code baseUrl} (for example {@code
   * http://127.0.0.1:8080/fhir}).
   */
  public Importer(URI baseUrl, ImportOptions options) {
    this(new HttpFhirSender(baseUrl, options.bearerToken(), REQUEST_TIMEOUT), options);
  }

  /** An importer that sends through {@code sender}; the token in {@code options} is not used. */
  public Importer(FhirSender sender, ImportOptions options) {
    this(sender, options, System::nanoTime);
  }

  Importer(FhirSender sender, ImportOptions options, LongSupplier nanoTime) {
    this.sender = sender;
    this.options = options;
    this.nanoTime = nanoTime;
  }

  /** Loads every file found under {@code paths}. */
  public ImportResult run(List<Path> paths) {
    InputFiles inputs = InputFiles.expand(paths);
    checkServer();
    ImportTally tally = new ImportTally(options.onError(), options.listener(), nanoTime);
    BundleImport bundles = new BundleImport(sender, tally);
    NdjsonImport ndjson = new NdjsonImport(new TransactionLoader(sender), options, tally);
    try {
      inputs.skipped().forEach(tally::skipped);
      tally.beginScan();
      bundles.scan(inputs.bundles(), inputs.found());
      ndjson.scan(inputs.ndjson(), inputs.found());
      tally.endScan();
      bundles.load(true);
      ndjson.load();
      bundles.load(false);
      return tally.result(false);
    } catch (ImportTally.StopImport stop) {
      return tally.result(true);
    }
  }

  /** Fails fast, before reading any data, when the server is down, elsewhere or refuses us. */
  private void checkServer() {
    FhirResponse response = sender.get("metadata");
    TransactionLoader.refuseIfUnauthorized(sender, response);
    if (!response.isSuccess() || !response.body().contains("CapabilityStatement")) {
      throw new ImportException(
          sender.baseUrl()
              + " does not look like a FHIR server base URL (GET "
              + sender.baseUrl()
              + "/metadata gave HTTP "
              + response.status()
              + "); the Consentry default is http://127.0.0.1:8080/fhir");
    }
  }
}
