package org.consentry.cli;

/** A command or one of its verbs, as picocli parsed it. */
public interface CliPart {

  /**
   * Runs what was parsed.
   *
   * @return the exit code: 0 done, 1 done with failures, 2 could not run
   * @throws UsageException when the arguments are wrong
   */
  int call(CliCommand.Context context);

  /** The one-line complaint about an option this command does not know. */
  default String unknownOption(String option) {
    return "unknown option " + option;
  }

  /** The one-line complaint about a word where none (or no more) is expected. */
  default String unexpected(String argument) {
    return "unexpected argument '" + argument + "'";
  }
}
