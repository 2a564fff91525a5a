package org.consentry.bench.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Searches: real parameters of the type with modifiers and prefixes, chains and {@code _has},
 * result parameters ({@code _count _offset _sort _elements _summary _total _include _revinclude
 * _contained _format} ...) with odd values, junk names; sent as {@code GET [type]?}, {@code
 * [type]/_search} (also as a form POST), system search, compartment search, history and {@code
 * $everything}.
 */
final class QueryGenerator {

  private static final List<String> RESULT_PARAMS =
      List.of(
          "_id",
          "_lastUpdated",
          "_tag",
          "_security",
          "_profile",
          "_source",
          "_count",
          "_offset",
          "_sort",
          "_elements",
          "_summary",
          "_total",
          "_include",
          "_revinclude",
          "_include:iterate",
          "_revinclude:iterate",
          "_include:recurse",
          "_contained",
          "_containedType",
          "_format",
          "_pretty",
          "_text",
          "_content",
          "_filter",
          "_list",
          "_query",
          "_type",
          "_getpages",
          "_getpagesoffset",
          "_bundletype",
          "_language",
          "_since",
          "_at",
          "_security:not",
          "_tag:not",
          "_elements:exclude",
          "_profile:below",
          "_lastUpdated:missing",
          "_id:not",
          "_sort:desc",
          "_mdm",
          "_has");

  private final Surface surface;
  private final Corpus corpus;
  private final SearchValues values;

  QueryGenerator(Surface surface, Corpus corpus) {
    this.surface = surface;
    this.corpus = corpus;
    this.values = new SearchValues(corpus);
  }

  FuzzRequest next(Dice dice, Requester requester) {
    String type = type(dice);
    String query = query(type, dice);
    String patient =
        requester.patientId() != null && dice.chance(0.5)
            ? requester.patientId()
            : corpus.anyId("Patient", dice);
    return switch (dice.weighted(50, 5, 10, 5, 8, 8, 8, 3, 3)) {
      case 0 -> get("/" + type + "?" + query);
      case 1 -> get("/" + type + "/_search?" + query);
      case 2 -> formSearch(type, query, dice);
      case 3 ->
          get(
              "?"
                  + (dice.chance(0.5)
                      ? "_type=" + Encoding.usual(type + "," + type(dice)) + "&"
                      : "")
                  + query);
      case 4 ->
          get(
              "/Patient/"
                  + Encoding.usual(patient)
                  + "/"
                  + dice.pickOf(type, "*", "Observation", "Consent")
                  + "?"
                  + query);
      case 5 ->
          get(
              dice.pickOf(
                      "/" + type, "/" + type + "/" + Encoding.usual(corpus.anyId(type, dice)), "")
                  + "/_history?"
                  + history(dice));
      case 6 ->
          get(
              "/Patient/"
                  + Encoding.usual(dice.chance(0.8) ? patient : Hostile.badId(dice))
                  + "/$everything?"
                  + everything(dice));
      case 7 -> get("/Patient/$everything?" + everything(dice));
      default -> get("/Observation/$lastn?" + query);
    };
  }

  private static FuzzRequest get(String target) {
    return FuzzRequest.of("query", "GET", Encoding.sanitize(target));
  }

  private FuzzRequest formSearch(String type, String query, Dice dice) {
    FuzzRequest request =
        FuzzRequest.of(
                "query",
                "POST",
                "/" + type + "/_search" + (dice.chance(0.2) ? "?" + param(type, dice) : ""))
            .withBody(query.getBytes(StandardCharsets.UTF_8));
    String contentType =
        dice.pickOf(
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "application/x-www-form-urlencoded; charset=EBCDIC-XX",
            "application/fhir+json",
            "multipart/form-data; boundary=x",
            "text/plain",
            null);
    return contentType == null ? request : request.withHeader("Content-Type", contentType);
  }

  String type(Dice dice) {
    return switch (dice.weighted(70, 12, 15, 3)) {
      case 0 -> dice.pick(corpus.types());
      case 1 ->
          dice.pickOf(
              "Consent",
              "Group",
              "AuditEvent",
              "ValueSet",
              "CodeSystem",
              "Binary",
              "Bundle",
              "Provenance");
      case 2 -> dice.pick(surface.types());
      default ->
          dice.pickOf(
              "Foo",
              "patient",
              "PATIENT",
              "Patient;x",
              "Patient.x",
              "Resource",
              "DomainResource",
              "_history",
              "$everything",
              "metadata",
              "Patient%00",
              "Patient%2FObservation");
    };
  }

  String query(String type, Dice dice) {
    List<String> params = new ArrayList<>();
    int count = dice.chance(0.03) ? dice.pickOf(30, 300) : dice.between(0, 5);
    for (int i = 0; i < count; i++) {
      params.add(param(type, dice));
    }
    if (dice.chance(0.05) && !params.isEmpty()) {
      String repeated = params.get(0);
      for (int i = dice.pickOf(2, 50, 500); i > 0; i--) {
        params.add(repeated);
      }
    }
    String query = String.join(dice.chance(0.03) ? "&&" : "&", params);
    return switch (dice.weighted(94, 2, 2, 2)) {
      case 0 -> query;
      case 1 -> query + "&";
      case 2 -> "&" + query + "&=" + Encoding.usual(Hostile.string(dice, 100));
      default ->
          query + "&" + dice.pickOf("_count", "=", "==", "_count==1", "a=b=c", "%", "?", "&");
    };
  }

  String param(String type, Dice dice) {
    List<Surface.SearchParam> params = surface.params(type);
    return switch (dice.weighted(params.isEmpty() ? 0 : 45, params.isEmpty() ? 0 : 8, 4, 35, 8)) {
      case 0 -> {
        Surface.SearchParam p = dice.pick(params);
        String name = p.name() + (dice.chance(0.25) ? dice.pick(SearchValues.MODIFIERS) : "");
        yield Encoding.usual(name)
            + "="
            + Encoding.anyway(values.value(p.type(), type, dice), dice);
      }
      case 1 ->
          Encoding.usual(chain(type, params, dice))
              + "="
              + Encoding.anyway(values.value("string", type, dice), dice);
      case 2 ->
          Encoding.usual(
                  "_has:"
                      + type(dice)
                      + ":"
                      + dice.pickOf("patient", "subject", "x", "")
                      + ":"
                      + dice.pickOf("code", "_id", "status", "_has:Observation:patient:code"))
              + "="
              + Encoding.anyway(values.value("token", type, dice), dice);
      case 3 -> resultParam(type, dice);
      default ->
          Encoding.anyway(Hostile.string(dice, 200), dice)
              + (dice.chance(0.8) ? "=" + Encoding.anyway(Hostile.string(dice, 200), dice) : "");
    };
  }

  private String chain(String type, List<Surface.SearchParam> params, Dice dice) {
    List<Surface.SearchParam> references =
        params.stream().filter(p -> p.type().equals("reference")).toList();
    String first = references.isEmpty() ? "subject" : dice.pick(references).name();
    StringBuilder chain = new StringBuilder(first);
    int links = dice.chance(0.1) ? dice.pickOf(5, 40) : 1;
    for (int i = 0; i < links; i++) {
      String target = dice.pick(corpus.types());
      if (dice.chance(0.4)) {
        chain.append(':').append(target);
      }
      List<Surface.SearchParam> next = surface.params(target);
      chain
          .append('.')
          .append(
              next.isEmpty() || dice.chance(0.1)
                  ? dice.pickOf("name", "x", "", "_id")
                  : dice.pick(next).name());
    }
    return chain.toString();
  }

  private String resultParam(String type, Dice dice) {
    String name = dice.pick(RESULT_PARAMS);
    String value =
        switch (name) {
          case "_count", "_offset", "_getpagesoffset" -> Hostile.number(dice);
          case "_sort", "_sort:desc" -> sort(type, dice);
          case "_elements", "_elements:exclude" ->
              dice.pickOf(
                  "id",
                  "id,name",
                  "*",
                  "",
                  "name.family",
                  "-name",
                  "meta,text",
                  "Patient.name",
                  ",,,",
                  Hostile.string(dice, 200));
          case "_summary" -> dice.pickOf("true", "false", "text", "data", "count", "TRUE", "x", "");
          case "_total" -> dice.pickOf("none", "estimate", "accurate", "x", "");
          case "_include",
              "_revinclude",
              "_include:iterate",
              "_revinclude:iterate",
              "_include:recurse" ->
              include(type, dice);
          case "_contained" -> dice.pickOf("true", "false", "both", "x");
          case "_containedType" -> dice.pickOf("container", "contained", "x");
          case "_format" ->
              dice.pickOf(
                  "json",
                  "xml",
                  "html",
                  "ttl",
                  "application/fhir+xml",
                  "application/x-turtle",
                  "text/html",
                  "application/fhir+json;fhirVersion=3.0",
                  "x",
                  "");
          case "_pretty" -> dice.pickOf("true", "false", "x");
          case "_bundletype" -> dice.pickOf("searchset", "transaction", "history", "x", "");
          case "_type" -> dice.pickOf("Patient,Observation", "", ",", "Foo", type + "," + type);
          case "_lastUpdated", "_since", "_at" ->
              dice.pick(SearchValues.PREFIXES) + Hostile.date(dice);
          case "_filter" ->
              dice.pickOf(
                  "name eq x",
                  "name eq 'x' and (",
                  "(((",
                  "code sw http://",
                  "x",
                  "status eq final or");
          default -> Hostile.string(dice, 500);
        };
    return Encoding.usual(name) + "=" + Encoding.anyway(value, dice);
  }

  private String sort(String type, Dice dice) {
    List<Surface.SearchParam> params = surface.params(type);
    String one = params.isEmpty() ? "_id" : dice.pick(params).name();
    return dice.pickOf(
        one,
        "-" + one,
        one + ",-_lastUpdated",
        "_score",
        "_lastUpdated",
        "-",
        "",
        ",",
        "--" + one,
        one + ":missing",
        "-_id,_id,-_id",
        Hostile.string(dice, 100));
  }

  private String include(String type, Dice dice) {
    List<String> known = surface.includes().getOrDefault(type, List.of());
    String real = known.isEmpty() ? type + ":subject" : dice.pick(known);
    return dice.pickOf(
        real,
        "*",
        real + ":" + dice.pick(corpus.types()),
        type + ":",
        ":",
        ":::",
        "Patient:link:Foo",
        dice.pick(corpus.types()) + ":subject",
        type + ":" + Hostile.string(dice, 100),
        "Observation:patient:Patient");
  }

  private static String history(Dice dice) {
    return dice.pickOf(
        "",
        "_since=" + Hostile.date(dice),
        "_at=" + Hostile.date(dice),
        "_count=" + Hostile.number(dice),
        "_offset=" + Hostile.number(dice),
        "_sort=" + dice.pickOf("_lastUpdated", "-_lastUpdated", "x"),
        "_list=x",
        "_type=Patient",
        "_since=2020&_at=2020");
  }

  private static String everything(Dice dice) {
    return dice.pickOf(
        "",
        "_count=" + Hostile.number(dice),
        "_offset=" + Hostile.number(dice),
        "_since=" + Hostile.date(dice),
        "_type=" + dice.pickOf("Observation", "Foo", "", ",", "Observation,Consent"),
        "_elements=" + dice.pickOf("id", "x", ""),
        "_sort=" + dice.pickOf("_lastUpdated", "x"),
        "start=" + Hostile.date(dice) + "&end=" + Hostile.date(dice),
        "_content=x",
        "_text=x",
        "_filter=x",
        "_mdm=" + dice.pickOf("true", "x"),
        "_id=" + Hostile.badId(dice));
  }
}
