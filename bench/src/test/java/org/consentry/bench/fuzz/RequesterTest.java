package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequesterTest {

  @TempDir Path dir;

  private static String jwt(long exp) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(("{\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }

  /** A stand-in launcher that logs each call and prints a token valid for {@code seconds}. */
  private Path launcher(long seconds) throws Exception {
    Path script = dir.resolve("consentry");
    Files.writeString(
        script,
        "#!/bin/sh\necho \"$@\" >> "
            + dir.resolve("calls")
            + "\necho "
            + jwt(System.currentTimeMillis() / 1000 + seconds)
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void parse_readsNamePatientAndTokenArguments() {
    Requester patient =
        Requester.parse("patient@p1=fuzz-patient --scope patient/*.cruds", "./consentry");

    assertThat(patient.name()).isEqualTo("patient");
    assertThat(patient.patientId()).isEqualTo("p1");
    assertThat(patient.curlOption())
        .isEqualTo("-H \"Authorization: Bearer $(token fuzz-patient --scope 'patient/*.cruds')\" ");
    assertThat(Requester.parse("anonymous=", "./consentry").token()).isNull();
    assertThatThrownBy(() -> Requester.parse("no-equals-sign", "./consentry"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jwt_isFoundInOutputWithColourCodesAndBuildMessages() {
    String token = jwt(1);
    assertThat(
            Requester.jwt(
                "Building Consentry (mvn package, tests skipped)...\n\u001B[0m\u001B[0m"
                    + token
                    + "\n"))
        .isEqualTo(token);
    assertThat(Requester.jwt("consentry token: no saved password for x\n")).isNull();
  }

  @Test
  void shellFunction_stripsTheColourCodesThatTheLauncherPrints() throws Exception {
    Path launcher = dir.resolve("consentry");
    Files.writeString(launcher, "#!/bin/sh\nprintf '\\033[0m\\033[0m%s\\n' \"$2\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
    String function = Requester.parse("ehr=ehr", launcher.toString()).shellFunction();

    Process shell =
        new ProcessBuilder("bash", "-c", function + "; printf '[%s]' \"$(token abc.def.ghi)\"")
            .start();

    assertThat(new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("[abc.def.ghi]");
  }

  @Test
  void token_isFetchedOnce_whileItIsValid() throws Exception {
    Requester ehr = Requester.parse("ehr=ehr", launcher(3600).toString());

    String token = ehr.token();

    assertThat(ehr.token()).isEqualTo(token);
    assertThat(Files.readAllLines(dir.resolve("calls"))).containsExactly("token ehr");
  }

  @Test
  void token_isFetchedAgain_whenItExpiresWithinAMinute() throws Exception {
    Requester ehr = Requester.parse("ehr=ehr --scope system/*.read", launcher(30).toString());

    ehr.token();
    ehr.token();

    assertThat(Files.readAllLines(dir.resolve("calls")))
        .containsExactly("token ehr --scope system/*.read", "token ehr --scope system/*.read");
  }

  @Test
  void token_fromALauncherThatFails_stopsTheRun() throws Exception {
    Path script = dir.resolve("failing");
    Files.writeString(
        script, "#!/bin/sh\necho 'consentry token: Keycloak is not reachable' >&2\nexit 2\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> Requester.parse("ehr=ehr", script.toString()).token())
        .isInstanceOf(FuzzException.class)
        .hasMessageContaining("no token for ehr");
  }
}
