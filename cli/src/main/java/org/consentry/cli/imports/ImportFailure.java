package org.consentry.cli.imports;

/**
 * One thing that did not load.
 *
 * @param location where it came from: {@code file:line} for NDJSON, {@code file Bundle.entry[i]}
 *     for a bundle entry, or the file alone when nothing more precise is known
 * @param reason one line: what was wrong, with the server's diagnostics when it rejected it
 */
public record ImportFailure(String location, String reason) {

  @Override
  public String toString() {
    return location + ": " + reason;
  }
}
