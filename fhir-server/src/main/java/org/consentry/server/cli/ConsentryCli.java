package org.consentry.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code consentry} command line, without Spring: {@code ./consentry import ...} runs it inside
 * the server jar. Exit codes: 0 done, 1 done with failures, 2 could not run (usage, server down). A
 * new subcommand is one more {@link CliCommand} in {@link #COMMANDS}.
 */
public final class ConsentryCli {

  static final int OK = 0;
  static final int FAILURES = 1;
  static final int CANNOT_RUN = 2;

  private static final List<CliCommand> COMMANDS =
      List.of(
          new ImportCommand(),
          new RelabelCommand(),
          new KeycloakCommand(),
          new UserCommand(),
          new TokenCommand(),
          new ResearchCommand(),
          new AuditCommand(),
          new KeysCommand(),
          new BackupCommand(),
          new RestoreCommand());

  private ConsentryCli() {}

  public static void main(String[] args) {
    quietLibraryLogging();
    CliCommand.Context context =
        new CliCommand.Context(
            System.out, System.err, System.getenv(), ProgressReporter.stderrIsTerminal());
    int code = run(Arrays.asList(args), context);
    System.out.flush();
    System.exit(code);
  }

  static int run(List<String> args, CliCommand.Context context) {
    Map<String, CliCommand> commands = new LinkedHashMap<>();
    COMMANDS.forEach(command -> commands.put(command.name(), command));
    if (args.isEmpty() || List.of("help", "-h", "--help").contains(args.get(0))) {
      usage(commands, args.isEmpty() ? context.err() : context.out());
      return args.isEmpty() ? CANNOT_RUN : OK;
    }
    CliCommand command = commands.get(args.get(0));
    if (command == null) {
      context.err().println("consentry: unknown command '" + args.get(0) + "'");
      usage(commands, context.err());
      return CANNOT_RUN;
    }
    try {
      return command.run(args.subList(1, args.size()), context);
    } catch (UsageException e) {
      context.err().println("consentry " + command.name() + ": " + e.getMessage());
      context.err().println(command.usage());
      return CANNOT_RUN;
    }
  }

  private static void usage(Map<String, CliCommand> commands, PrintStream out) {
    out.println("usage: consentry COMMAND [ARGS]");
    commands.values().forEach(c -> out.printf("  %-10s %s%n", c.name(), c.summary()));
    out.println("Run 'consentry COMMAND --help' for a command's options.");
  }

  /**
   * HAPI logs through SLF4J; without Spring Boot's setup Logback would print it all to stdout,
   * between the command's own output. The command reports everything that matters itself.
   */
  private static void quietLibraryLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
    }
  }
}
