package org.consentry.cli.imports;

/**
 * An import could not start or go on, for a reason that is no single resource's fault: an input
 * path that does not exist, a server that refuses the credentials, a URL that is not a FHIR base.
 * The message is one line meant for the user.
 */
public class ImportException extends RuntimeException {

  public ImportException(String message) {
    super(message);
  }
}
