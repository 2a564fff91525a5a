package org.consentry.server.door;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.FhirContextSearchParamRegistry;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchParametersTest {

  private final SearchParameters parameters =
      new SearchParameters(new FhirContextSearchParamRegistry(FhirContext.forR4Cached()));

  @ParameterizedTest(name = "{0}?{1}={2}: admitted {3}")
  @CsvSource(
      delimiter = ';',
      value = {
        "Observation ; code ; http://loinc.org|8867-4 ; true",
        "Observation ; code:not ; 8867-4 ; true",
        "Observation ; code:in ; http://x/vs ; true",
        "Observation ; subject ; Patient/1 ; true",
        "Observation ; subject:Patient ; 1 ; true",
        "Observation ; subject:identifier ; urn:x|1 ; true",
        "Observation ; date ; ge2020-01-01 ; true",
        "Observation ; date:missing ; true ; true",
        "Patient ; name:exact ; Ana ; true",
        "Observation ; _id ; 1 ; true",
        "Observation ; _lastUpdated ; gt2020 ; true",
        "Observation ; _security ; http://x|PSY ; true",
        "Observation ; _count ; 50 ; true",
        "Observation ; _count ; 0 ; true",
        "Observation ; _sort ; -date ; true",
        "Observation ; _include ; Observation:subject ; true",
        "Observation ; _include:iterate ; Observation:subject:Patient ; true",
        "Observation ; _revinclude ; Provenance:target ; true",
        "Observation ; _summary ; true ; true",
        "Observation ; _total ; none ; true",
        "Observation ; _elements ; code,subject ; true",
        "Patient ; _has:Observation:subject:code ; x ; true",
        "Patient ; _has:Observation:subject:_has:Provenance:target:agent ; x ; true",
        "Observation ; _has:Observation:subject:code ; x ; false",
        "Patient ; _has:Observation:nonsense:code ; x ; false",
        "Patient ; _has:Observation:subject:nonsense ; x ; false",
        "Patient ; _has:Observation ; x ; false",
        "Observation ; subject.name ; x ; true",
        "Observation ; subject:Patient.name ; x ; true",
        "Observation ; subject:Patient.organization.name ; x ; true",
        "Observation ; subject:Practitioner.name ; x ; false",
        "Observation ; code.name ; x ; false",
        "Observation ; subject:Patient.nonsense ; x ; false",
        "Observation ; consentry-owner ; x ; false",
        "Observation ; consentry-owner:not ; x ; false",
        "Observation ; consentry-owner-label:not ; x ; false",
        "Observation ; subject:Patient.consentry-owner ; x ; false",
        "Observation ; _filter ; code eq x ; false",
        "Observation ; _text ; x ; false",
        "Observation ; _content ; x ; false",
        "Observation ; _list ; x ; false",
        "Observation ; _query ; x ; false",
        "Observation ; _summary ; count ; true",
        "Observation ; _total ; accurate ; true",
        "Observation ; _total ; estimate ; true",
        "Observation ; _total ; exact ; false",
        "Observation ; _count ; abc ; false",
        "Observation ; _count ; -1 ; false",
        "Observation ; _count ; 99999999999 ; false",
        "Observation ; _offset ; -1 ; false",
        "Observation ; _include ; *x ; false",
        "Observation ; _include:nonsense ; Observation:subject ; false",
        "Observation ; no-such-parameter ; 1 ; false",
        "Observation ; code:contains ; x ; false",
        "Observation ; subject:above ; Patient/1 ; false",
        "Observation ; date:exact ; 2020 ; false",
        "Patient ; name:nonsense ; x ; false",
        "Observation ; code-value-quantity ; http://loinc.org|8480-6$gt100 ; true",
        "Observation ; code-value-quantity ; http://loinc.org|8480-6 ; false",
        "Observation ; code-value-quantity ; $gt100 ; false",
        "Observation ; code-value-quantity ; a$b$c ; false",
        "Observation ; code-value-quantity ; http://loinc.org|8480-6$1e999 ; false",
        "Observation ; code-value-date ; 8480-6$2020-13-45 ; false",
        "Observation ; code-value-concept:missing ; true ; false",
        "Location ; near ; 42.1|-71.8 ; true",
        "Location ; near ; 42.1|-71.8|10|km ; true",
        "Location ; near ; Smith ; false",
        "Location ; near ; 1|x ; false",
        "Observation ; value-quantity ; 5.4|http://unitsofmeasure.org|mg ; true",
        "Observation ; value-quantity ; gt1e300 ; true",
        "Observation ; value-quantity ; 1e309 ; false",
        "Observation ; value-quantity ; lt-1e301|http://unitsofmeasure.org|mg ; false",
        "Observation ; value-quantity ; 1,1e309 ; false",
        "Observation ; value-quantity:missing ; true ; true",
        "RiskAssessment ; probability ; 1e400 ; false",
        "Observation ; date ; 2020-02-30 ; false",
        "Provenance ; location:Location.near ; || ; false",
        "Provenance ; location.near ; 42.1|-71.8 ; true",
        "Observation ; subject:Patient.birthdate ; 2020-13 ; false",
        "Observation ; date ; GE2020 ; false",
        "Observation ; date ; ge2020-01-01T10:00:00Z ; true",
        "Observation ; value-quantity ; xx5 ; false",
      })
  void search(String type, String name, String value, boolean admitted) {
    Map<String, String[]> query = Map.of(name, new String[] {value});
    if (admitted) {
      assertThatCode(() -> parameters.checkSearch(type, query)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> parameters.checkSearch(type, query))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("'" + name.split("[.:]")[0]);
    }
  }

  @org.junit.jupiter.api.Test
  void aParameterRepeatedMoreThanTenTimes_isRefused_resultParametersAreNot() {
    String[] ten = java.util.Collections.nCopies(10, "x").toArray(String[]::new);
    String[] eleven = java.util.Collections.nCopies(11, "x").toArray(String[]::new);
    String[] includes =
        java.util.Collections.nCopies(11, "Observation:subject").toArray(String[]::new);

    assertThatCode(() -> parameters.checkSearch("Observation", Map.of("code", ten)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> parameters.checkSearch("Observation", Map.of("code", eleven)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at most 10 times");
    assertThatCode(() -> parameters.checkSearch("Observation", Map.of("_include", includes)))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "control character in {0}")
  @CsvSource({"name", "value"})
  void controlCharacters_areRefused(String where) {
    Map<String, String[]> query =
        where.equals("name")
            ? Map.of("na\u0000me", new String[] {"x"})
            : Map.of("name", new String[] {"a\u0000b"});
    assertThatThrownBy(() -> parameters.checkSearch("Patient", query))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("control character");
  }

  @ParameterizedTest(name = "page {0}={1}: admitted {2}")
  @CsvSource({
    "_getpages,       0b1c2d3e-aaaa-bbbb-cccc-000000000000, true",
    "_getpages,       ../../etc,                            false",
    "_getpagesoffset, 20,                                   true",
    "_getpagesoffset, -3,                                   false",
    "_getpagesoffset, 99999999999,                          false",
    "_bundletype,     searchset,                            true",
    "_has,            x,                                    false",
  })
  void page(String name, String value, boolean admitted) {
    Map<String, String[]> query = Map.of(name, new String[] {value});
    if (admitted) {
      assertThatCode(() -> parameters.checkOnly(SearchParameters.PAGE, query, "a page"))
          .doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> parameters.checkOnly(SearchParameters.PAGE, query, "a page"))
          .isInstanceOf(InvalidRequestException.class);
    }
  }
}
