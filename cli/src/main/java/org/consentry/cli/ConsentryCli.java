package org.consentry.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code consentry} command line, without Spring: {@code ./consentry import ...} runs it from
 * its own jar (the {@code cli} module). picocli parses every command line; each command then checks
 * the values and runs. Exit codes: 0 done, 1 done with failures, 2 could not run (usage, server
 * down); a refused command line is one line on stderr followed by the command's usage. A new
 * subcommand is one more {@link CliCommand} in {@link #COMMANDS}.
 */
public final class ConsentryCli {

  static final int OK = 0;
  static final int FAILURES = 1;
  static final int CANNOT_RUN = 2;

  /** picocli's words for an option followed by another option instead of its value. */
  private static final Pattern EXPECTED_VALUE =
      Pattern.compile("Expected parameter for option '([^']+)'");

  /** Fresh objects for each run: picocli fills their fields in. */
  private static final List<Supplier<CliCommand>> COMMANDS =
      List.of(
          ImportCommand::new,
          RelabelCommand::new,
          KeycloakCommand::new,
          UserCommand::new,
          TokenCommand::new,
          ResearchCommand::new,
          AuditCommand::new,
          KeysCommand::new,
          BackupCommand::new,
          RestoreCommand::new,
          SimulateCommand::new);

  private ConsentryCli() {}

  public static void main(String[] args) {
    quietLibraryLogging();
    CliCommand.Context context =
        new CliCommand.Context(
            System.out, System.err, System.getenv(), ProgressReporter.stderrIsTerminal());
    int code = run(List.of(args), context);
    System.out.flush();
    System.exit(code);
  }

  /** Runs {@code consentry ARGS...}; returns the exit code. */
  public static int run(List<String> args, CliCommand.Context context) {
    List<CliCommand> commands = COMMANDS.stream().map(Supplier::get).toList();
    if (args.isEmpty()) {
      usage(commands, context.err());
      return CANNOT_RUN;
    }
    CommandLine root = parser(new Root());
    root.addSubcommand("help", parser(new Help()));
    commands.forEach(command -> root.addSubcommand(command.name(), parser(command)));
    ParseResult parsed;
    try {
      parsed = root.parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      if (e.getCommandLine() == root) {
        context.err().println("consentry: unknown command '" + args.get(0) + "'");
        usage(commands, context.err());
        return CANNOT_RUN;
      }
      return refuse(e, context);
    }
    if (!parsed.hasSubcommand() || parsed.subcommand().commandSpec().userObject() instanceof Help) {
      usage(commands, context.out());
      return OK;
    }
    return call(parsed.subcommand(), context);
  }

  /** Runs one command on the words after its name (for tests that give it its own seams). */
  static int execute(CliCommand command, List<String> args, CliCommand.Context context) {
    try {
      return call(parser(command).parseArgs(args.toArray(String[]::new)), context);
    } catch (ParameterException e) {
      return refuse(e, context);
    }
  }

  /**
   * picocli as every command uses it: no @file expansion, the last of a repeated option wins, and
   * an option value never looks like an option ({@code --user --out} lacks the user).
   */
  private static CommandLine parser(Object command) {
    CommandLine line =
        new CommandLine(command)
            .setExpandAtFiles(false)
            .setOverwrittenOptionsAllowed(true)
            .setUnmatchedOptionsAllowedAsOptionParameters(false);
    addHelp(line);
    return line;
  }

  private static void addHelp(CommandLine line) {
    line.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true).build());
    line.getSubcommands().values().forEach(ConsentryCli::addHelp);
  }

  /**
   * Calls the deepest command parsed (a command, or its verb), or prints the usage it asked for.
   */
  private static int call(ParseResult parsed, CliCommand.Context context) {
    ParseResult leaf = parsed;
    boolean help = leaf.isUsageHelpRequested();
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
      help |= leaf.isUsageHelpRequested();
    }
    CliCommand command = owner(leaf.commandSpec().commandLine());
    if (help) {
      context.out().println(command.usage());
      return OK;
    }
    try {
      return ((CliPart) leaf.commandSpec().userObject()).call(context);
    } catch (UsageException e) {
      return refuse(command, e.getMessage(), context);
    }
  }

  private static int refuse(ParameterException e, CliCommand.Context context) {
    CliPart part = (CliPart) e.getCommandLine().getCommand();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String argument = unmatched.getUnmatched().get(0);
      message =
          argument.startsWith("-") && argument.length() > 1
              ? part.unknownOption(argument.replaceFirst("=.*", ""))
              : part.unexpected(argument);
    } else if (e instanceof MissingParameterException missing && missing.getMissing() != null) {
      for (ArgSpec spec : missing.getMissing()) {
        if (spec instanceof OptionSpec option) {
          message = option.longestName() + " needs a value";
          break;
        }
      }
    }
    Matcher expected = EXPECTED_VALUE.matcher(message);
    if (expected.find()) {
      message = expected.group(1) + " needs a value";
    }
    return refuse(owner(e.getCommandLine()), message, context);
  }

  private static int refuse(CliCommand command, String message, CliCommand.Context context) {
    context.err().println("consentry " + command.name() + ": " + message);
    context.err().println(command.usage());
    return CANNOT_RUN;
  }

  /** The command a verb belongs to (or the command itself). */
  private static CliCommand owner(CommandLine line) {
    CommandLine at = line;
    while (!(at.getCommand() instanceof CliCommand) && at.getParent() != null) {
      at = at.getParent();
    }
    return (CliCommand) at.getCommand();
  }

  private static void usage(List<CliCommand> commands, PrintStream out) {
    out.println("usage: consentry COMMAND [ARGS]");
    commands.forEach(c -> out.printf("  %-10s %s%n", c.name(), c.summary()));
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

  /** {@code consentry} itself: its subcommands are the commands. */
  @Command(name = "consentry")
  private static final class Root implements CliPart {
    @Override
    public int call(CliCommand.Context context) {
      return OK;
    }
  }

  /** {@code consentry help}: the list of commands (whatever follows). */
  @Command(name = "help")
  private static final class Help implements CliPart {
    @Parameters(hidden = true)
    List<String> ignored;

    @Override
    public int call(CliCommand.Context context) {
      return OK;
    }
  }
}
