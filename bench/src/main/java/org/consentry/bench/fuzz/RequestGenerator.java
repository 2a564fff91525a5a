package org.consentry.bench.fuzz;

import java.util.List;

/**
 * The mix of hostile requests: searches, broken writes, broken Bundles, odd methods and paths,
 * paging links with their parameters changed; each sometimes with odd headers (Accept, Prefer,
 * If-Match, a gzip Content-Encoding over plain bytes, a purpose of use). One generator per worker,
 * each with its own seeded {@link Dice}.
 */
final class RequestGenerator {

  private final QueryGenerator queries;
  private final BodyGenerator bodies;
  private final BundleGenerator bundles;
  private final PathGenerator paths;
  private final PageLinks pages;
  private final Dice dice;

  RequestGenerator(Surface surface, Corpus corpus, XmlBodies xml, PageLinks pages, Dice dice) {
    this.queries = new QueryGenerator(surface, corpus);
    this.bodies = new BodyGenerator(corpus, queries, xml);
    this.bundles = new BundleGenerator(corpus, queries);
    this.paths = new PathGenerator(surface, corpus, queries, bodies);
    this.pages = pages;
    this.dice = dice;
  }

  PageLinks pages() {
    return pages;
  }

  Requester requester(List<Requester> requesters) {
    return dice.pick(requesters);
  }

  FuzzRequest next(Requester requester) {
    FuzzRequest request =
        switch (dice.weighted(40, 25, 10, 20, 5)) {
          case 0 -> queries.next(dice, requester);
          case 1 -> bodies.next(dice, requester);
          case 2 -> bundles.next(dice, requester);
          case 3 -> paths.next(dice, requester);
          default -> pages.next(dice, requester, queries);
        };
    int noise = dice.chance(0.3) ? dice.between(1, 3) : 0;
    for (int i = 0; i < noise; i++) {
      request = noisyHeader(request);
    }
    return request;
  }

  private FuzzRequest noisyHeader(FuzzRequest request) {
    return switch (dice.below(14)) {
      case 0 ->
          request.withHeader(
              "Accept",
              dice.pickOf(
                  "application/fhir+xml",
                  "application/fhir+json",
                  "text/html",
                  "application/x-turtle",
                  "x/y",
                  "*/*;q=x",
                  "application/fhir+json; fhirVersion=5.0",
                  "",
                  "application/json-patch+json"));
      case 1 ->
          request.withHeader(
              "Prefer",
              dice.pickOf(
                  "return=representation",
                  "return=OperationOutcome",
                  "return=minimal",
                  "respond-async",
                  "handling=strict",
                  "handling=lenient",
                  "x",
                  "return=",
                  "respond-async, return=minimal"));
      case 2 ->
          request.withHeader(
              "If-Match",
              dice.pickOf("W/\"1\"", "W/\"x\"", "*", "\"", "W/\"99999999999999999999\""));
      case 3 -> request.withHeader("If-None-Match", dice.pickOf("W/\"1\"", "*", "x"));
      case 4 ->
          request.withHeader(
              "If-Modified-Since",
              dice.pickOf("Wed, 21 Oct 2015 07:28:00 GMT", "yesterday", "0", ""));
      case 5 ->
          request.body() != null
              ? request.withHeader(
                  "Content-Encoding", dice.pickOf("gzip", "deflate", "br", "x", "gzip, gzip"))
              : request.withHeader("Accept-Encoding", dice.pickOf("gzip", "x", "*;q=0"));
      case 6 ->
          request.withHeader(
              "X-Purpose-Of-Use",
              dice.pickOf(
                  "ETREAT",
                  "TREAT",
                  "HRESCH",
                  "PATRQT",
                  "x",
                  "",
                  "ETREAT,HRESCH",
                  Hostile.string(dice, 2000).replaceAll("[\\x00-\\x1f\\x7f-\\uffff]", "?")));
      case 7 -> request.withHeader("If-None-Exist", "Patient?" + queries.param("Patient", dice));
      case 8 -> request.withHeader("Accept-Charset", dice.pickOf("utf-16", "x", "iso-8859-1;q=0"));
      case 9 ->
          request.withHeader(
              "X-Forwarded-Host", dice.pickOf("example.invalid", "127.0.0.1:1", "x:y:z"));
      case 10 -> request.withHeader("X-HTTP-Method-Override", dice.pickOf("DELETE", "PATCH", "x"));
      case 11 ->
          request.withHeader("Cache-Control", dice.pickOf("no-cache", "no-store", "max-age=x"));
      case 12 -> request.withHeader("X-Request-Id", dice.pickOf("x".repeat(5000), "", "a b"));
      default -> request.withHeader("Accept-Language", dice.pickOf("de", "x", "*", "zz-ZZ;q=2"));
    };
  }
}
