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

/**
 * Command lines of {@code user} and {@code keycloak ehr-purpose} that are refused before Keycloak
 * is asked anything (it is not running here: a command that got that far would exit 2 with "cannot
 * reach Keycloak" instead of its usage).
 */
class UserCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    Map<String, String> env =
        Map.of(
            "CONSENTRY_KEYCLOAK_URL",
            "http://127.0.0.1:1",
            "CONSENTRY_KEYCLOAK_ADMIN_PASSWORD",
            "unused",
            "CONSENTRY_HOME",
            System.getProperty("java.io.tmpdir"));
    CliCommand.Context context =
        new CliCommand.Context(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    return ConsentryCli.run(List.of(args), context);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
			user add-practitioner dr Practitioner/1 --purpose BOGUS       | no purpose of use 'BOGUS' can be granted; use one of [ETREAT, HOPERAT, HPAYMT, PUBHLTH]
			user add-practitioner dr Practitioner/1 --purpose TREAT       | no purpose of use 'TREAT' can be granted
			user add-practitioner dr Practitioner/1 --purpose etreat      | no purpose of use 'etreat' can be granted
			user add-practitioner dr Practitioner/1 --purpose             | --purpose needs a value
			user add-practitioner dr Practitioner/1 --purpose --organization Organization/1 | --purpose needs a value
			user add-practitioner dr Practitioner/1 --colour red          | unknown option --colour
			user add-practitioner dr --purpose ETREAT                     | add-practitioner needs USERNAME Practitioner/ID
			user add-practitioner dr Practitioner/1 --organization Organization/1 --organization Organization/2 | --organization may be given once
			user add-patient alice Patient/1 --purpose ETREAT             | --purpose is for practitioners: patients act for PATRQT, researchers for HRESCH
			user add-researcher rita --purpose HPAYMT                     | --purpose is for practitioners
			user add-auditor                                              | add-auditor needs USERNAME
			user add-auditor audrey Practitioner/1                        | add-auditor needs USERNAME
			user add-auditor audrey --purpose HOPERAT                     | --purpose is for practitioners
			user add-auditor audrey --organization Organization/1         | unknown option --organization
			user add-auditors audrey                                      | unknown verb 'add-auditors'
			keycloak ehr-purpose ETREAT                                   | ETREAT cannot be granted to a client: emergency access is for practitioners only
			keycloak ehr-purpose HPAYMT NOPE                              | no purpose of use 'NOPE' can be granted
			""")
  void refusedCommandLine_saysWhyAndExits2(String command, String message) {
    int code = run(command.split(" "));

    assertThat(code).isEqualTo(2);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).startsWith("consentry " + command.split(" ")[0] + ": " + message);
    assertThat(lines.get(1)).startsWith("usage: consentry " + command.split(" ")[0]);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void addAuditor_parses_andGoesOnToKeycloak() {
    int code = run("user", "add-auditor", "audrey");

    // past the command line: the directory (Keycloak, not running here) was asked to add the user
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .asString()
        .startsWith("consentry user: cannot reach Keycloak at http://127.0.0.1:1");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void usage_namesAddAuditor() {
    assertThat(run("user", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("consentry user add-auditor USERNAME");
  }
}
