package org.consentry.bench.fuzz;

import java.util.List;

/**
 * Values for search parameters, by FHIR search type: plausible ones (so that the query reaches the
 * database) mixed with hostile ones, with prefixes, modifiers and comma-separated alternatives.
 */
final class SearchValues {

  static final List<String> PREFIXES =
      List.of("", "", "", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap", "xx", "GE", "e");
  static final List<String> MODIFIERS =
      List.of(
          ":missing",
          ":exact",
          ":contains",
          ":text",
          ":not",
          ":above",
          ":below",
          ":in",
          ":not-in",
          ":of-type",
          ":identifier",
          ":iterate",
          ":Patient",
          ":Foo",
          ":",
          "::",
          ":missing:exact",
          ":code-text",
          ":text-advanced",
          ":recurse",
          ":encrypted");
  private static final List<String> TOKENS =
      List.of(
          "http://loinc.org|8867-4",
          "http://loinc.org|",
          "|8867-4",
          "|",
          "||",
          "a|b|c",
          "http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY",
          "http://snomed.info/sct|73595000",
          "male",
          "final",
          "http://hl7.org/fhir/sid/us-ssn|999-41-3819",
          "urn:oid:2.16.840.1.113883.4.3.25|x",
          "http://loinc.org|8867-4$60");
  private static final List<String> QUANTITIES =
      List.of(
          "5.4|http://unitsofmeasure.org|mg",
          "5.4||mg",
          "5.4",
          "|||",
          "1e400|x|y",
          "-1|http://unitsofmeasure.org|",
          "NaN|http://unitsofmeasure.org|mg",
          "5.4|http://unitsofmeasure.org|mg|extra");

  private final Corpus corpus;

  SearchValues(Corpus corpus) {
    this.corpus = corpus;
  }

  /**
   * A value for a parameter of FHIR search type {@code type}, sometimes several joined by commas.
   */
  String value(String type, String resourceType, Dice dice) {
    if (dice.chance(0.08)) {
      int count = dice.pickOf(2, 3, 50, 400);
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < count; i++) {
        values.append(i == 0 ? "" : ",").append(single(type, resourceType, dice));
      }
      return values.toString();
    }
    return single(type, resourceType, dice);
  }

  private String single(String type, String resourceType, Dice dice) {
    if (dice.chance(0.25)) {
      return Hostile.string(dice, 3000);
    }
    return switch (type) {
      case "token" ->
          dice.chance(0.7)
              ? dice.pick(TOKENS)
              : Hostile.string(dice, 200) + "|" + Hostile.string(dice, 200);
      case "reference" -> reference(dice);
      case "date" -> dice.pick(PREFIXES) + Hostile.date(dice);
      case "number" -> dice.pick(PREFIXES) + Hostile.number(dice);
      case "quantity" -> dice.pick(PREFIXES) + dice.pick(QUANTITIES);
      case "uri" ->
          dice.pickOf(
              "http://hl7.org/fhir/ValueSet/x",
              "http://example.invalid/x",
              "urn:oid:1.2",
              "urn:uuid:x",
              "relative/path",
              "");
      case "composite" ->
          dice.pickOf("a$b", "$", "$$$", "http://loinc.org|8480-6$lt60", "x$" + Hostile.date(dice));
      default ->
          dice.pickOf("Smith", "a", "Zoë", "Franecki195", "x y", corpus.anyId(resourceType, dice));
    };
  }

  String reference(Dice dice) {
    String type = dice.pick(corpus.types());
    return switch (dice.below(8)) {
      case 0, 1 -> type + "/" + corpus.anyId(type, dice);
      case 2 -> corpus.anyId(type, dice);
      case 3 -> "http://example.invalid/fhir/" + type + "/1";
      case 4 -> "urn:uuid:" + corpus.anyId(type, dice);
      case 5 ->
          type + "/" + corpus.anyId(type, dice) + "/_history/" + dice.pickOf("1", "0", "-1", "x");
      case 6 ->
          dice.pickOf(
              type + "/",
              "/",
              "Foo/1",
              type + "/" + Hostile.badId(dice),
              "#1",
              "Patient/1/Patient/2");
      default -> Hostile.badId(dice);
    };
  }
}
