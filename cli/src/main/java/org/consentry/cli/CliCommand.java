package org.consentry.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * One subcommand of {@link ConsentryCli}: a picocli {@code @Command} whose options and parameters
 * picocli fills in, and which then checks their values and runs ({@link CliPart#call}). A verb
 * ({@code user add-patient}) is a picocli subcommand of its command, itself a {@link CliPart}.
 */
public interface CliCommand extends CliPart {

  /** What the command needs from its surroundings; passed in so tests can capture it. */
  record Context(
      PrintStream out, PrintStream err, Map<String, String> env, boolean stderrIsTerminal) {}

  /** The word after {@code consentry}. */
  String name();

  /** One line for the list of commands. */
  String summary();

  /** The usage text, starting with {@code usage:}; {@code --help} prints it. */
  String usage();

  /**
   * Parses {@code args} (the words after the command's name) and runs the command.
   *
   * @return the exit code: 0 done, 1 done with failures, 2 could not run
   */
  default int run(List<String> args, Context context) {
    return ConsentryCli.execute(this, args, context);
  }
}
