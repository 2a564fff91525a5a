package org.consentry.cli.imports;

import java.nio.file.Path;

/**
 * A file found in a folder that holds no FHIR data to load, such as the log, the manifest or the
 * OperationOutcome error files of another server's Bulk Data export: skipped and named, not loaded
 * and not a failure.
 *
 * @param file the file
 * @param reason one line: why it is not FHIR data
 */
public record SkippedFile(Path file, String reason) {

  @Override
  public String toString() {
    return "skipped " + file + ": " + reason;
  }
}
