package org.consentry.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.consentry.server.cli.ImportException;
import org.consentry.server.cli.ImportOptions;
import org.consentry.server.cli.ImportResult;
import org.consentry.server.cli.Importer;
import org.consentry.server.cli.ServerUnavailableException;

/**
 * Ingest throughput: the importer loads a data folder in transaction Bundles of 500 resources, the
 * same path as {@code ./consentry import}; the figure is resources loaded per second of wall time,
 * scanning the files included.
 */
final class IngestBench {

	private IngestBench() {}

	static Map<String, Object> run(URI server, Path data, String token) {
		ImportOptions options = ImportOptions.defaults()
				.withBatchSize(500)
				.withOnError(ImportOptions.OnError.SKIP)
				.withBearerToken(token);
		ImportResult result;
		try {
			result = new Importer(server, options).run(List.of(data));
		} catch (ServerUnavailableException | ImportException e) {
			throw new BenchException(e.getMessage());
		}
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("data", data.toAbsolutePath().normalize().toString());
		figures.put("batchSize", options.batchSize());
		figures.put("resources", result.loaded());
		figures.put("failed", result.failed());
		figures.put("seconds", result.elapsed().toMillis() / 1000.0);
		figures.put("resourcesPerSecond", Math.round(result.resourcesPerSecond() * 10) / 10.0);
		figures.put("loadedByType", result.loadedByType());
		figures.put("firstFailures", result.failures().stream().limit(10).map(Object::toString).toList());
		figures.put("summary", String.format(Locale.ROOT, "%,d resources in %.1f s = %,.0f resources/s, %d failed",
				result.loaded(), result.elapsed().toMillis() / 1000.0, result.resourcesPerSecond(), result.failed()));
		System.out.println("ingest: " + figures.get("summary"));
		return figures;
	}
}
