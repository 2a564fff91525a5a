package org.consentry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command lines of {@code research} refused before anything is asked of a server, and help. */
class ResearchCommandTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    CliCommand.Context context =
        new CliCommand.Context(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("CONSENTRY_FHIR_URL", "http://127.0.0.1:1/fhir"),
            false);
    return ConsentryCli.run(List.of(args), context);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			research                                                  | expected export
			research import s1                                        | unknown verb 'import': expected export
			research export s1 --out /tmp/x                           | no researcher: pass --user USERNAME or set CONSENTRY_USER
			research export s1 --user rita                            | --out DIR is required
			research export --out /tmp/x --user rita                  | no STUDY given
			research export s1 s2 --out /tmp/x --user rita            | one STUDY at a time, not [s1, s2]
			research export Patient/1 --out /tmp/x --user rita        | STUDY wants ResearchStudy/ID or ID, not 'Patient/1'
			research export s1 --out /tmp/x --user rita --type Pat!ent | --type wants resource types such as Patient,Observation, not 'Pat!ent'
			research export s1 --out /tmp/x --user rita --timeout soon | --timeout wants a duration such as 90s, 30m or 1h30m, not 'soon'
			research export s1 --out /tmp/x --user rita --timeout 0s  | --timeout wants a duration
			research export s1 --out /tmp/x --user                    | --user needs a value
			research export s1 --out /tmp/x --user rita --colour red  | unknown option --colour
			research export s1 --out /tmp/x --user rita --server ftp://x | --server wants an http(s) URL
			""")
  void refusedCommandLine_saysWhyInOneLineThenUsageAndExits2(String command, String message) {
    int code = run(command.split(" "));

    assertThat(code).isEqualTo(2);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).startsWith("consentry research: " + message);
    assertThat(lines.get(1)).startsWith("usage: consentry research export STUDY --out DIR");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void help_printsUsageAndExits0() {
    assertThat(run("research", "--help")).isZero();
    assertThat(run("research", "export", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "usage: consentry research export STUDY --out DIR", "--overwrite", "CONSENTRY_USER");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void commandList_namesResearch() {
    assertThat(run("help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("  research   export STUDY --out DIR");
  }

  @Test
  void durations_parseAndPrintBack() {
    assertThat(ResearchCommand.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(ResearchCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ResearchCommand.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(ResearchCommand.format(ResearchCommand.DEFAULT_TIMEOUT)).isEqualTo("30m");
  }

  @Test
  void study_acceptsAReferenceOrABareId() {
    assertThat(ResearchCommand.study("ResearchStudy/diabetes-2024"))
        .isEqualTo("ResearchStudy/diabetes-2024");
    assertThat(ResearchCommand.study("diabetes-2024")).isEqualTo("ResearchStudy/diabetes-2024");
  }
}
