package org.consentry.server.crypto;

import org.consentry.crypto.KeystoreAccess;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a keystore that cannot be opened at start into Spring Boot's short "APPLICATION FAILED TO
 * START" report, whose first line says what to fix, instead of a page of stack trace.
 */
public final class KeystoreFailureAnalyzer
    extends AbstractFailureAnalyzer<KeystoreAccess.KeystoreUnavailableException> {

  @Override
  protected FailureAnalysis analyze(
      Throwable root, KeystoreAccess.KeystoreUnavailableException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Field-level encryption needs the master keystore and its passphrase: run './consentry keys init' for a new "
            + "installation, or point consentry.crypto.keystore / CONSENTRY_KEYSTORE_PASSPHRASE at the existing ones.",
        cause);
  }
}
