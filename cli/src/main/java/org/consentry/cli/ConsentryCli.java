package org.consentry.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code consentry} command line, without Spring: {@code ./consentry import ...} runs it inside
 * its own jar (the {@code cli} module). Exit codes: 0 done, 1 done with failures, 2 could not run
 * (usage, server down). A new subcommand is one more {@link CliCommand} in {@link #COMMANDS}.
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
          new KeysCommand());

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

  public static int run(List<String> args, CliCommand.Context context) {
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
   * HAPI logs through SLF4J, which is bound to nothing here (slf4j-nop); the Keycloak client logs
   * through JBoss Logging, which falls back to java.util.logging and would print to stderr between
   * the command's own lines. The command reports everything that matters itself.
   */
  private static void quietLibraryLogging() {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
  }
}
