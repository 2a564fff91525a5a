package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.FhirContextSearchParamRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportFiltersTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private final ExportFilters filters =
      new ExportFilters(FHIR, new FhirContextSearchParamRegistry(FHIR));

  @Nested
  class Allowed {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
        delimiter = ';',
        value = {
          "_type;                   Patient,Observation",
          "_type;                   Patient, Observation ",
          "_typeFilter;             Observation?code=http://loinc.org|8867-4",
          "_typeFilter;             Observation?status=final&date=ge2020-01-01",
          "_typeFilter;             Observation?code:text=heart",
          "_typeFilter;             Observation?subject=Patient/123",
          "_typeFilter;             Observation?subject:Patient=123",
          "_typeFilter;             Condition?code:in=http://consentry.org/fhir/ValueSet/sensitivity-psy",
          "_typeFilter;             Observation?_lastUpdated=gt2024-01-01&_security:not=R&_tag=x&_id=a",
          "_typeFilter;             Observation?_source=urn:ehr",
          "_typeFilter;             Observation?code=a,b,c",
          "_typeFilter;             Observation?code=a,Condition?code=b",
          "_typeFilter;             Observation?",
          "_typePostFetchFilterUrl; Observation?status=final",
          "_outputFormat;           application/fhir+ndjson",
        })
    void plainSearchParametersOfTheType(String parameter, String value) {
      assertThatCode(() -> filters.check(parameter, value)).doesNotThrowAnyException();
    }
  }

  @Nested
  class Refused {

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(
        delimiter = ';',
        value = {
          "_type;                   Patient,NotAType;                          'NotAType', which is not a resource type",
          "_typeFilter;             NotAType?code=1;                           'NotAType', which is not a resource type",
          "_typeFilter;             code=1;                                    is not a search of the form",
          "_typeFilter;             Patient?_has:Observation:patient:code=1;   '_has:Observation:patient:code' is not supported",
          "_typeFilter;             Patient?%5Fhas:Observation:patient:code=1; '_has:Observation:patient:code' is not supported",
          "_typeFilter;             Observation?subject.name=Ana;              'subject.name' is not supported",
          "_typeFilter;             Observation?subject:Patient.name=Ana;      'subject:Patient.name' is not supported",
          "_typeFilter;             Observation?_filter=code eq 1;             '_filter' is not supported",
          "_typeFilter;             Observation?_text=depression;              '_text' is not supported",
          "_typeFilter;             Observation?_content=depression;           '_content' is not supported",
          "_typeFilter;             Observation?_list=List/1;                  '_list' is not supported",
          "_typeFilter;             Observation?_query=mine;                   '_query' is not supported",
          "_typeFilter;             Observation?_count=1;                      '_count' is a result parameter",
          "_typeFilter;             Observation?_include=Observation:subject;  '_include' is a result parameter",
          "_typeFilter;             Observation?_revinclude=Provenance:target; '_revinclude' is a result parameter",
          "_typeFilter;             Observation?_sort=date;                    '_sort' is a result parameter",
          "_typeFilter;             Observation?_summary=count;                '_summary' is a result parameter",
          "_typeFilter;             Observation?gender=female;                 'gender' is not a search parameter of Observation",
          "_typeFilter;             Observation?status=final&foo=1;            'foo' is not a search parameter of Observation",
          "_typeFilter;             Observation?code=1,Patient?_has:Group:member:_id=1; '_has:Group:member:_id' is not supported",
          "_typePostFetchFilterUrl; Observation?subject.name=Ana;              '_typePostFetchFilterUrl parameter 'subject.name'",
        })
    void withA400ThatNamesTheParameter(String parameter, String value, String message) {
      assertThatThrownBy(() -> filters.check(parameter, value))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining(message.startsWith("'_type") ? message.substring(1) : message);
    }
  }
}
