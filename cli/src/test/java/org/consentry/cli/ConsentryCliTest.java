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
