package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurlTest {

  @TempDir Path dir;

  private String bodyFile(byte[] body) {
    try {
      Path file = dir.resolve("1.body");
      Files.write(file, body);
      return file.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void line_fetchesTheRequestersTokenAndQuotesWhatTheShellWouldRead() {
    FuzzRequest request =
        new FuzzRequest(
            "body",
            "POST",
            "/Patient?name=O'Brien&x=$y",
            List.of(new FuzzRequest.Header("Content-Type", "application/fhir+json")),
            "{\"a\":\"it's\"}".getBytes(StandardCharsets.UTF_8));

    String line =
        Curl.line(
            java.net.URI.create("http://127.0.0.1:8280/fhir"),
            request,
            Fixtures.patient(),
            this::bodyFile);

    assertThat(line)
        .isEqualTo(
            "curl -sS -g --path-as-is -X POST "
                + "-H \"Authorization: Bearer $(token fuzz-patient --scope 'patient/*.cruds')\" "
                + "-H 'Content-Type: application/fhir+json' --data-binary '{\"a\":\"it'\\''s\"}' "
                + "'http://127.0.0.1:8280/fhir/Patient?name=O'\\''Brien&x=$y'");
  }

  @Test
  void line_ofAHeadRequestWithoutBody_usesDashI() {
    String line =
        Curl.line(
            java.net.URI.create("http://127.0.0.1:8280/fhir"),
            FuzzRequest.of("path", "HEAD", "/Patient"),
            Fixtures.anonymous(),
            this::bodyFile);

    assertThat(line).isEqualTo("curl -sS -g --path-as-is -I http://127.0.0.1:8280/fhir/Patient");
  }

  /** The reproducer sends the same request line, headers and body bytes as the fuzzer did. */
  @Test
  void line_runByTheShell_sendsTheSameBytesAsTheFuzzer() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")),
        "needs curl");
    byte[] body = {'{', 0, (byte) 0xC0, (byte) 0xAF, '\'', '"', '\n', '}'};
    FuzzRequest request =
        new FuzzRequest(
            "body",
            "PUT",
            "/Patient/x?a=%zz%00&b=[1]{2}|'\"",
            List.of(
                new FuzzRequest.Header("Content-Type", "application/fhir+json; charset=x"),
                new FuzzRequest.Header("If-Match", "W/\"1\"")),
            body);
    try (StubServer server =
        new StubServer("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")) {
      new RawHttp(server.base(), 2000).send(request, null);
      String line = Curl.line(server.base(), request, Fixtures.anonymous(), this::bodyFile);
      Process curl =
          new ProcessBuilder(List.of("bash", "-c", line)).redirectErrorStream(true).start();
      assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();

      StubServer.Received fuzzer = server.received().get(0);
      StubServer.Received reproducer = server.received().get(1);
      assertThat(reproducer.requestLine()).isEqualTo(fuzzer.requestLine());
      assertThat(reproducer.body()).isEqualTo(fuzzer.body()).isEqualTo(body);
      for (String name : new ArrayList<>(List.of("Content-Type", "If-Match", "Content-Length"))) {
        assertThat(reproducer.header(name)).as(name).isEqualTo(fuzzer.header(name));
      }
    }
  }
}
