package org.consentry.cli.imports;

/**
 * Hears how an import goes, while it runs. Called from the importing thread; an implementation
 * should return quickly.
 */
public interface ImportListener {

  /** A listener that ignores everything. */
  ImportListener NONE = new ImportListener() {};

  /**
   * Resources done so far (loaded or failed for good) out of all found in the input. {@code total}
   * grows while the input is scanned and is final once loading starts.
   */
  default void progress(long done, long total) {}

  /** Something failed for good: reported once, as soon as it is known. */
  default void failure(ImportFailure failure) {}

  /** A file found in a folder is not FHIR data and is left out: reported once, when found. */
  default void skipped(SkippedFile file) {}
}
