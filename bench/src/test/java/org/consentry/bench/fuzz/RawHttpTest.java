package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawHttpTest {

  @Test
  void send_putsTheTargetOnTheRequestLineAsIs_andReadsAContentLengthAnswer() throws Exception {
    try (StubServer server =
        new StubServer(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/fhir+json\r\n"
                + "Content-Length: 7\r\n\r\n{\"a\":1}")) {
      FuzzRequest request =
          new FuzzRequest(
              "query",
              "PROPFIND",
              "/Patient?_id=%zz%00&x=|",
              List.of(new FuzzRequest.Header("Content-Type", "text/plain")),
              "a\u0000b".getBytes(StandardCharsets.UTF_8));

      Response response = new RawHttp(server.base(), 2000).send(request, "t0k3n");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers()).containsEntry("content-type", "application/fhir+json");
      assertThat(response.text()).isEqualTo("{\"a\":1}");
      StubServer.Received sent = server.received().get(0);
      assertThat(sent.requestLine()).isEqualTo("PROPFIND /fhir/Patient?_id=%zz%00&x=| HTTP/1.1");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer t0k3n");
      assertThat(sent.header("Content-Length")).isEqualTo("3");
      assertThat(sent.body()).containsExactly('a', 0, 'b');
    }
  }

  @Test
  void send_decodesAChunkedAnswer() throws Exception {
    try (StubServer server =
        new StubServer(
            "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n")) {
      Response response =
          new RawHttp(server.base(), 2000).send(FuzzRequest.of("path", "GET", ""), null);

      assertThat(response.status()).isEqualTo(500);
      assertThat(response.text()).isEqualTo("hello, world");
      assertThat(server.received().get(0).requestLine()).isEqualTo("GET /fhir HTTP/1.1");
      assertThat(server.received().get(0).header("Authorization")).isNull();
    }
  }

  @Test
  void send_readsAnAnswerThatEndsWhenTheConnectionCloses() throws Exception {
    try (StubServer server = new StubServer("HTTP/1.1 200 OK\r\n\r\nall of it")) {
      assertThat(
              new RawHttp(server.base(), 2000)
                  .send(FuzzRequest.of("query", "GET", "?_type=Patient"), null)
                  .text())
          .isEqualTo("all of it");
      assertThat(server.received().get(0).requestLine())
          .isEqualTo("GET /fhir?_type=Patient HTTP/1.1");
    }
  }

  @Test
  void send_toAServerThatDoesNotAnswer_isANoAnswerAfterTheTimeout() throws Exception {
    try (StubServer server = new StubServer(null)) {
      Response response =
          new RawHttp(server.base(), 300).send(FuzzRequest.of("query", "GET", "/Patient"), null);

      assertThat(response.answered()).isFalse();
      assertThat(response.statusClass()).isEqualTo("none");
      assertThat(response.failure()).isEqualTo("no answer within 300 ms");
    }
  }
}
