package org.consentry.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;

/**
 * data/synthea-10 (10 patients, 9,022 resources) in the test run's server, imported once: every IT
 * shares one Spring context and one database, so the tests that need the sample data (relabel,
 * rotation, encryption at rest, labels of the sample conditions) use the one import instead of each
 * loading the same 9,022 resources again (about 40 s each on 2 cores). Loading it a second time is
 * ImportIT's own test.
 */
public final class SyntheaSample {

  public static final Path FOLDER = Path.of("../data/synthea-10");

  private static ImportResult first;

  private SyntheaSample() {}

  /**
   * Imports the sample through the server at {@code base} unless this test run already did, and
   * answers the result of that first import (the one that loaded the data).
   */
  public static synchronized ImportResult imported(String base, String bearerToken) {
    if (first == null) {
      ImportResult result =
          new Importer(URI.create(base), ImportOptions.defaults().withBearerToken(bearerToken))
              .run(List.of(FOLDER));
      if (!result.failures().isEmpty()) {
        // not kept: the next test that needs the sample tries again and reports its own failure
        return result;
      }
      first = result;
    }
    return first;
  }
}
