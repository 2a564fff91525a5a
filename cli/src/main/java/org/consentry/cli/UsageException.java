package org.consentry.cli;

/** The command line is wrong; the message says how in one line, and the usage follows it. */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message, null, false, false);
  }
}
