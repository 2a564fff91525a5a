package org.consentry.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One subcommand of {@link ConsentryCli}. */
public interface CliCommand {

  /** What the command needs from its surroundings; passed in so tests can capture it. */
  record Context(
      PrintStream out, PrintStream err, Map<String, String> env, boolean stderrIsTerminal) {}

  /** The word after {@code consentry}. */
  String name();

  /** One line for the list of commands. */
  String summary();

  /** The usage text, starting with {@code usage:}. */
  String usage();

  /**
   * Runs the command.
   *
   * @return the exit code: 0 done, 1 done with failures, 2 could not run
   * @throws UsageException when the arguments are wrong
   */
  int run(List<String> args, Context context);
}
