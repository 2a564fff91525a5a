package org.consentry.server.fhir;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The FHIR endpoint's settings ({@code consentry.fhir.*}).
 *
 * @param publicUrl base URL clients see, when the server sits behind a proxy; blank means the
 *     address of each incoming request
 * @param maxRequestSize largest request body accepted; a larger one gets 413
 * @param defaultPageSize search results per page when the client does not say
 * @param maxPageSize the most results per page a client may ask for
 * @param terminologyIndexDir folder of the Lucene index of code system concepts (default {@code
 *     ${consentry.home}/terminology-index}); it holds terminology only, never patient data
 * @param jobMaintenanceInterval how often Batch2 advances jobs such as {@code $export} while one is
 *     under way (HAPI's 60 s default would make a tiny export take minutes); an idle server runs
 *     the pass once a minute
 * @param exportFileResources the most resources in one Bulk Data export file, and so in one unit of
 *     an export job's work (HAPI's default 1,000)
 */
@ConfigurationProperties("consentry.fhir")
public record FhirProperties(
    String publicUrl,
    @DefaultValue("32MB") DataSize maxRequestSize,
    @DefaultValue("20") int defaultPageSize,
    @DefaultValue("500") int maxPageSize,
    @DefaultValue(FhirProperties.JOB_MAINTENANCE_INTERVAL) Duration jobMaintenanceInterval,
    Path terminologyIndexDir,
    @DefaultValue("1000") int exportFileResources) {

  /** Batch2's maintenance interval while a job is under way, when none is set. */
  static final String JOB_MAINTENANCE_INTERVAL = "100ms";
}
