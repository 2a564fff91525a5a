package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShrinkerTest {

  private static final long NO_DEADLINE = System.nanoTime() + 60_000_000_000L;
  private final Oracle oracle = new Oracle();

  private static Response answer(int status, String diagnostics) {
    String body =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"diagnostics\":\""
            + diagnostics
            + "\"}]}";
    return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), false, null, 1);
  }

  /**
   * A server that fails when the query has _count=abc and the body has an element "bad", whatever
   * else is there.
   */
  private static Response server(FuzzRequest request) {
    String body = request.body() == null ? "" : new String(request.body(), StandardCharsets.UTF_8);
    boolean fails = request.target().contains("_count=abc") && body.contains("\"bad\"");
    return fails ? answer(500, "boom") : answer(400, "fine");
  }

  @Test
  void shrink_keepsOnlyWhatTheFindingNeeds() {
    FuzzRequest request =
        new FuzzRequest(
            "body",
            "POST",
            "/Patient/_search?name=x&_count=abc&_sort=" + "y".repeat(80) + "&z=1",
            List.of(
                new FuzzRequest.Header("Prefer", "return=minimal"),
                new FuzzRequest.Header("Content-Type", "application/fhir+json")),
            ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
                    + "a".repeat(200)
                    + "\"}],\"bad\":{\"deep\":[1,2,3]},"
                    + "\"gender\":\"male\"}")
                .getBytes(StandardCharsets.UTF_8));
    String signature = oracle.judge(request, server(request)).signature();

    Shrinker.Result result =
        new Shrinker(ShrinkerTest::send, oracle, new Tally(), 200)
            .shrink(request, Fixtures.anonymous(), signature, NO_DEADLINE);

    assertThat(result.reproduced()).isTrue();
    assertThat(result.minimal().target()).isEqualTo("/Patient/_search?_count=abc");
    assertThat(result.minimal().headers()).isEmpty();
    assertThat(new String(result.minimal().body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"resourceType\":\"Patient\",\"bad\":{}}");
  }

  private static Response send(FuzzRequest request, String token) {
    return server(request);
  }

  @Test
  void shrink_halvesALongQueryValue_whileThePartThatMattersStays() {
    Sender sender =
        (request, token) ->
            request.target().contains("%zz") ? answer(500, "boom") : answer(400, "fine");
    FuzzRequest request =
        FuzzRequest.of("query", "GET", "/Patient?name=" + "a".repeat(50) + "%zz" + "b".repeat(70));

    Shrinker.Result result =
        new Shrinker(sender, oracle, new Tally(), 100)
            .shrink(request, Fixtures.anonymous(), "500 boom", NO_DEADLINE);

    assertThat(result.minimal().target()).startsWith("/Patient?name=").contains("%zz");
    assertThat(result.minimal().target().length())
        .isLessThanOrEqualTo("/Patient?name=".length() + 16);
  }

  @Test
  void shrink_ofABodyThatIsNotJson_removesChunksOfBytes() {
    byte[] body = ("x".repeat(300) + "BAD" + "y".repeat(300)).getBytes(StandardCharsets.UTF_8);
    Sender sender =
        (request, token) ->
            request.body() != null
                    && new String(request.body(), StandardCharsets.UTF_8).contains("BAD")
                ? answer(500, "boom")
                : answer(400, "fine");
    FuzzRequest request = new FuzzRequest("body", "POST", "/Patient", List.of(), body);

    Shrinker.Result result =
        new Shrinker(sender, oracle, new Tally(), 500)
            .shrink(request, Fixtures.anonymous(), "500 boom", NO_DEADLINE);

    assertThat(result.minimal().body().length).isLessThan(40);
    assertThat(new String(result.minimal().body(), StandardCharsets.UTF_8)).contains("BAD");
  }

  @Test
  void shrink_ofAFindingThatDoesNotComeBack_keepsTheRequestAndSaysSo() {
    AtomicInteger calls = new AtomicInteger();
    Sender onceOnly =
        (request, token) ->
            calls.incrementAndGet() == 0 ? answer(500, "boom") : answer(400, "fine");
    FuzzRequest request = FuzzRequest.of("query", "GET", "/Patient?a=1&b=2");

    Shrinker.Result result =
        new Shrinker(onceOnly, oracle, new Tally(), 50)
            .shrink(request, Fixtures.anonymous(), "500 boom", NO_DEADLINE);

    assertThat(result.reproduced()).isFalse();
    assertThat(result.minimal()).isSameAs(request);
    assertThat(result.attempts()).isEqualTo(1);
  }

  @Test
  void shrink_stopsAtItsBudget() {
    Tally tally = new Tally();
    FuzzRequest request = FuzzRequest.of("query", "GET", "/Patient?_count=abc&a=1&b=2&c=3&d=4&e=5");
    Sender always = (r, token) -> answer(500, "boom");

    Shrinker.Result result =
        new Shrinker(always, oracle, tally, 3)
            .shrink(request, Fixtures.anonymous(), "500 boom", NO_DEADLINE);

    assertThat(result.attempts()).isEqualTo(3);
    assertThat(tally.replays()).isEqualTo(3);
  }
}
