package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsentryCliTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    CliCommand.Context context =
        new CliCommand.Context(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    return ConsentryCli.run(List.of(args), context);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			import                                      | no PATH given
			import data --batch-size 0                  | --batch-size wants a whole number from 1 to 10000, not '0'
			import data --batch-size=lots               | --batch-size wants a whole number
			import data --on-error maybe                | --on-error wants stop or skip, not 'maybe'
			import data --server ftp://host/fhir        | --server wants an http(s) URL
			import data --batch-bytes 12parsecs         | --batch-bytes wants a size such as 8MB
			import data --colour                        | unknown option --colour
			import data --server                        | --server needs a value
			""")
  void import_usageError_printsOneLineAndUsageAndExits2(String command, String message) {
    int code = run(command.split(" "));

    assertThat(code).isEqualTo(2);
    List<String> lines = err().lines().toList();
    assertThat(lines.get(0)).startsWith("consentry import: " + message);
    assertThat(lines.get(1)).isEqualTo("usage: consentry import PATH... [options]");
    assertThat(err()).doesNotContain("Exception", "\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			relabel --colour                            | unknown argument --colour
			relabel --server                            | --server needs a value
			token                                       | expected USERNAME or ehr
			token alice bob                             | expected USERNAME|ehr [--scope "SCOPES"]
			token alice --scope                         | --scope needs a value
			keys                                        | expected init, rotate or rotate-data-keys
			keys shred                                  | unknown keys command shred
			keys rotate-data-keys Patient/1             | expected --patient ID, got Patient/1
			keys rotate-data-keys --patient             | --patient needs a value
			keycloak                                    | expected 'provision', 'app-url URL'
			keycloak provision now                      | expected 'provision', 'app-url URL'
			keycloak app-url                            | expected 'provision', 'app-url URL'
			research export s1 --out x --user --type Patient | --user needs a value
			import data --server --token x              | --server needs a value
			""")
  void otherCommands_usageError_printsOneLineAndUsageAndExits2(String command, String message) {
    String name = command.split(" ")[0];

    int code = run(command.split(" "));

    assertThat(code).isEqualTo(2);
    List<String> lines = err().lines().toList();
    assertThat(lines.get(0)).startsWith("consentry " + name + ": " + message);
    assertThat(lines.get(1)).startsWith("usage: consentry " + name);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void atFiles_areNotExpanded_butNamedAsPaths() {
    assertThat(run("import", "@no-such-list")).isEqualTo(2);
    assertThat(err()).startsWith("consentry import: @no-such-list does not exist");
  }

  @ParameterizedTest
  @CsvSource({"help", "--help", "-h"})
  void help_listsTheCommandsOnStdoutAndExits0(String word) {
    assertThat(run(word)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("usage: consentry COMMAND")
        .contains("  keys       ", "  audit      ");
    assertThat(err()).isEmpty();
  }

  @Test
  void verbHelp_printsTheCommandsUsage() {
    assertThat(run("keys", "rotate-data-keys", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("usage: consentry keys init | rotate | rotate-data-keys");
  }

  @Test
  void import_help_printsUsageAndExits0() {
    assertThat(run("import", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--on-error stop|skip", "CONSENTRY_FHIR_URL");
  }

  @Test
  void unknownCommand_listsTheCommandsAndExits2() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'frobnicate'", "import ");
  }

  @Test
  void noCommand_printsUsageAndExits2() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).startsWith("usage: consentry COMMAND");
  }
}
