package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestGeneratorTest {

  private static final Surface SURFACE = Fixtures.surface();
  private static final Corpus CORPUS = Fixtures.corpus();
  private static final XmlBodies XML = new XmlBodies();
  private static final List<Requester> REQUESTERS =
      List.of(Fixtures.anonymous(), Fixtures.patient());

  private static List<String> sequence(long seed, int count) {
    RequestGenerator generator =
        new RequestGenerator(
            SURFACE,
            CORPUS,
            XML,
            new PageLinks(URI.create("http://127.0.0.1:1/fhir")),
            new Dice(seed));
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Requester requester = generator.requester(REQUESTERS);
      FuzzRequest request = generator.next(requester);
      requests.add(
          requester.name()
              + " "
              + request.kind()
              + " "
              + request.method()
              + " "
              + request.target()
              + " "
              + request.headers()
              + " "
              + (request.body() == null ? "-" : Arrays.hashCode(request.body())));
    }
    return requests;
  }

  @Test
  void sameSeed_sendsTheSameRequestsInTheSameOrder() {
    assertThat(sequence(42, 400)).isEqualTo(sequence(42, 400));
  }

  @Test
  void anotherSeed_sendsOtherRequests() {
    assertThat(sequence(43, 50)).isNotEqualTo(sequence(42, 50));
  }

  @Test
  void manyRequests_coverEveryGeneratorMethodAndPathShape() {
    RequestGenerator generator =
        new RequestGenerator(
            SURFACE,
            CORPUS,
            XML,
            new PageLinks(URI.create("http://127.0.0.1:1/fhir")),
            new Dice(7));
    Set<String> kinds = new HashSet<>();
    Set<String> methods = new HashSet<>();
    Set<String> shapes = new HashSet<>();
    Set<String> contentTypes = new HashSet<>();
    int withBody = 0;
    for (int i = 0; i < 3000; i++) {
      FuzzRequest request = generator.next(generator.requester(REQUESTERS));
      kinds.add(request.kind());
      methods.add(request.method());
      shapes.add(request.shape());
      if (request.header("Content-Type") != null) {
        contentTypes.add(request.header("Content-Type"));
      }
      if (request.body() != null) {
        withBody++;
        assertThat(request.body().length).isLessThanOrEqualTo(4 << 20);
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder("query", "body", "bundle", "path", "page");
    assertThat(methods)
        .contains("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND");
    assertThat(shapes)
        .contains(
            "GET /Patient",
            "POST /",
            "GET /Patient/{x}/$everything",
            "PUT /Patient/{x}",
            "POST /Patient/_search",
            "GET /_history",
            "PATCH /Observation/{x}",
            "GET /",
            "POST /Observation/$validate");
    assertThat(shapes)
        .anyMatch(s -> s.matches("[A-Z]+ /[A-Za-z]+/\\{x}/_history/\\{x}"))
        .anyMatch(s -> s.matches("[A-Z]+ /[A-Za-z]+/\\{x}/\\$[a-z-]+"))
        .anyMatch(s -> s.matches("[A-Z]+ /\\$[a-z-]+"));
    assertThat(contentTypes)
        .contains(
            "application/fhir+json",
            "application/fhir+xml",
            "application/x-www-form-urlencoded",
            "application/json-patch+json");
    assertThat(withBody).isGreaterThan(600);
  }

  @Test
  void searches_useTheServersParametersAndTheResultParameters() {
    QueryGenerator queries = new QueryGenerator(SURFACE, CORPUS);
    Dice dice = new Dice(3);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      all.append(queries.param("Observation", dice)).append('\n');
    }
    assertThat(all)
        .contains(
            "code",
            "value-quantity",
            "_count=",
            "_offset=",
            "_sort=",
            "_include",
            "_revinclude",
            "_elements=",
            "_summary=",
            "_total=",
            "_has:",
            "patient.");
  }
}
