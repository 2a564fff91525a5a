package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.stream.Stream;
import org.consentry.server.ServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a 4xx with an OperationOutcome that says what is wrong, and stores nothing. */
class BadInputIT extends ServerIT {

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of(
            "malformed JSON",
            "POST",
            "/Patient",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",",
            400,
            "parse"),
        Arguments.of(
            "JSON that is not an object",
            "POST",
            "/Patient",
            "application/fhir+json",
            "[1,2]",
            400,
            "parse"),
        Arguments.of(
            "empty body", "POST", "/Patient", "application/fhir+json", "", 400, "needs a body"),
        Arguments.of(
            "body of another type",
            "POST",
            "/Patient",
            "application/fhir+json",
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}",
            400,
            "resource type"),
        Arguments.of(
            "unknown resource type in body",
            "POST",
            "/Patient",
            "application/fhir+json",
            "{\"resourceType\":\"Foo\"}",
            400,
            "Foo"),
        Arguments.of(
            "invalid date",
            "POST",
            "/Patient",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"birthDate\":\"not-a-date\"}",
            400,
            "not-a-date"),
        Arguments.of(
            "update whose id differs from the URL",
            "PUT",
            "/Patient/abc",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"id\":\"xyz\"}",
            400,
            "ID"),
        Arguments.of(
            "transaction entry without a verb",
            "POST",
            "",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\"}}]}",
            400,
            "HTTP Verb"),
        Arguments.of(
            "unknown resource type in the URL",
            "GET",
            "/Foo",
            null,
            null,
            404,
            "Unknown resource type"),
        Arguments.of(
            "unknown search parameter",
            "GET",
            "/Patient?foo=bar",
            null,
            null,
            400,
            "not a search parameter of Patient"),
        Arguments.of("invalid _count", "GET", "/Patient?_count=abc", null, null, 400, "_count"),
        // URL shapes HAPI failed on while reading them (500s found by fuzzing)
        Arguments.of(
            "an operation at the base, then more path",
            "POST",
            "/$everything/x/_history/1",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\"}",
            400,
            "goes on after '$everything'"),
        Arguments.of(
            "_history at the base, then more path",
            "GET",
            "/_history/x/_history/1",
            null,
            null,
            400,
            "goes on after '_history'"),
        Arguments.of(
            "parameter names that become one once HAPI escapes them",
            "GET",
            "/ExplanationOfBenefit?=a&%00=b",
            null,
            null,
            400,
            "parameter name"),
        Arguments.of(
            "a parameter name with an angle bracket",
            "GET",
            "/RiskAssessment?1_000=a&1%3C000=b",
            null,
            null,
            400,
            "parameter name"),
        Arguments.of(
            "a batch entry's ifNoneExist with a date that cannot be read",
            "POST",
            "",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":"
                + "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\","
                + "\"ifNoneExist\":\"Observation?date=2020-13-99\"}}]}",
            400,
            "Bundle entry 0 (POST Observation?...): The value '2020-13-99'"),
        Arguments.of(
            "a batch entry's conditional delete with a number beyond 1e300",
            "POST",
            "",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"Observation?value-quantity=1e999\"}}]}",
            400,
            "Bundle entry 0 (DELETE Observation?...): The value '1e999'"),
        Arguments.of(
            "a path segment of spaces",
            "GET",
            "/CarePlan/%20/_history/1",
            null,
            null,
            400,
            "only spaces"),
        Arguments.of(
            "$validate of XML that gives an element twice",
            "POST",
            "/Condition/$validate",
            "application/fhir+xml",
            "<Condition xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><id value=\"b\"/></Condition>",
            400,
            "could not be read as FHIR"),
        Arguments.of(
            "$validate of XML whose contained resource is an attribute",
            "POST",
            "/Claim/$validate",
            "application/fhir+xml",
            "<Claim xmlns=\"http://hl7.org/fhir\"><contained value=\"x\"/></Claim>",
            400,
            "could not be read as FHIR"),
        Arguments.of(
            "a status poll whose body has a parameter without a name",
            "POST",
            "/$export-poll-status",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"valueString\":\"x\"}]}",
            400,
            "takes one parameter, _jobId"),
        Arguments.of(
            "a batch entry whose conditional URL holds a malformed %-escape",
            "POST",
            "/",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=%u0\"}}]}",
            400,
            "Bundle entry 0 (GET Patient?...): a parameter holds a malformed %-escape"),
        Arguments.of(
            "$subsumes without a code system",
            "GET",
            "/CodeSystem/$subsumes?codeA=a&codeB=b",
            null,
            null,
            400,
            "needs the code system"),
        Arguments.of(
            "$subsumes whose codings carry no system",
            "POST",
            "/CodeSystem/$subsumes",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"codingA\",\"valueCoding\":{\"code\":\"a\"}},{\"name\":\"codingB\",\"valueCoding\":{\"code\":\"b\"}}]}",
            400,
            "needs the code system"),
        Arguments.of(
            "a status poll whose body is not Parameters",
            "POST",
            "/$export-poll-status",
            "application/fhir+json",
            "{\"resourceType\":\"Basic\",\"code\":{\"text\":\"x\"}}",
            400,
            "takes a Parameters resource"),
        Arguments.of(
            "a status poll by POST with neither a body nor a _jobId",
            "POST",
            "/$export-poll-status",
            null,
            null,
            400,
            "takes a Parameters resource"),
        Arguments.of(
            "PATCH with neither an id nor a search",
            "PATCH",
            "/AllergyIntolerance//",
            "application/json-patch+json",
            "[]",
            400,
            "PATCH needs the id"),
        Arguments.of(
            "malformed XML",
            "POST",
            "/Patient",
            "application/fhir+xml",
            "<Patient xmlns=\"http://hl7.org/fhir\"><name>",
            400,
            "XML"),
        Arguments.of(
            "XML with an external entity",
            "POST",
            "/Patient",
            "application/fhir+xml",
            "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>",
            400,
            "DOCTYPE"),
        Arguments.of(
            "XML entity expansion",
            "POST",
            "/Patient",
            "application/xml",
            "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol2;\"/></name></Patient>",
            400,
            "DOCTYPE"),
        Arguments.of(
            "XML DOCTYPE sent without an XML content type",
            "POST",
            "/Patient",
            "application/fhir+json",
            "  <!doctype Patient><Patient xmlns=\"http://hl7.org/fhir\"/>",
            400,
            "DOCTYPE"),
        Arguments.of(
            "FHIRPath Patch whose body is not a Parameters resource",
            "PATCH",
            "/Patient/abc",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"active\":true}",
            400,
            "FHIRPath Patch"),
        Arguments.of(
            "FHIRPath Patch operation without a path",
            "PATCH",
            "/Patient/abc",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\","
                + "\"part\":[{\"name\":\"type\",\"valueCode\":\"delete\"},"
                + "{\"name\":\"path\",\"valueString\":\"\"}]}]}",
            400,
            "non-empty 'path'"),
        Arguments.of(
            "XML Patch",
            "PATCH",
            "/Patient/abc",
            "application/xml-patch+xml",
            "not xml at all",
            400,
            "XML Patch is not offered"),
        Arguments.of(
            "a write to an id with a NUL character",
            "PATCH",
            "/Condition/%2500",
            "application/json-patch+json",
            "[]",
            400,
            "not a valid id"),
        Arguments.of(
            "near that is not a position",
            "GET",
            "/Location?near=Smith",
            null,
            null,
            400,
            "latitude|longitude"),
        Arguments.of(
            "a quantity beyond what the index compares",
            "GET",
            "/Observation?value-quantity=1e309",
            null,
            null,
            400,
            "value-quantity"),
        Arguments.of(
            "one parameter repeated eleven times",
            "GET",
            "/Observation?" + "code=x&".repeat(11) + "_count=1",
            null,
            null,
            400,
            "at most 10 times"),
        Arguments.of(
            "a body nested deeper than any resource",
            "POST",
            "/Patient",
            "application/fhir+json",
            "{\"resourceType\":\"Patient\",\"extension\":"
                + "[{\"url\":\"x\",\"extension\":".repeat(100)
                + "[]"
                + "}]".repeat(100)
                + "}",
            400,
            "nests more than 128"),
        Arguments.of(
            "a batch search with a date HAPI cannot read",
            "POST",
            "",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
                + "{\"method\":\"GET\",\"url\":\"Observation?date=2020-02-30\"}}]}",
            400,
            "Bundle entry 0"),
        Arguments.of(
            "a batch search with a parameter without a value",
            "POST",
            "",
            "application/fhir+json",
            "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":"
                + "{\"method\":\"GET\",\"url\":\"Observation?date\"}}]}",
            400,
            "has no value"),
        Arguments.of(
            "a form body sent with PATCH",
            "PATCH",
            "/Patient/abc",
            "application/x-www-form-urlencoded",
            "a=%",
            400,
            "Content-Type"),
        Arguments.of(
            "$validate of a resource whose meta is a string",
            "POST",
            "/Condition/$validate",
            "application/fhir+json",
            "{\"resourceType\":\"Condition\",\"meta\":\"x\",\"subject\":{\"reference\":"
                + "\"Patient/x\"}}",
            400,
            "could not be read as FHIR"),
        Arguments.of(
            "$validate whose resource parameter is a number",
            "POST",
            "/Condition/$validate",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\","
                + "\"valueInteger\":-1}]}",
            400,
            "could not be read as FHIR"),
        Arguments.of(
            "expansion of a value set naming an unknown code system",
            "POST",
            "/ValueSet/$expand",
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"valueSet\",\"resource\":"
                + "{\"resourceType\":\"ValueSet\",\"status\":\"active\",\"compose\":{\"include\":"
                + "[{\"system\":\"urn:example:no-such-code-system\"}]}}}]}",
            422,
            "CodeSystem could not be found: urn:example:no-such-code-system"));
  }

  @ParameterizedTest(name = "{0} -> {5}")
  @MethodSource("badRequests")
  void badRequest_getsClientErrorWithOutcome(
      String scenario,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String says) {
    HttpResponse<String> response = send(method, path, contentType, body);

    assertThat(response.statusCode()).as(scenario).isEqualTo(status);
    assertThat(response.body())
        .as(scenario)
        .contains("OperationOutcome")
        .containsIgnoringCase(says);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "replace ; Patient..active ; ,{\"name\":\"value\",\"valueBoolean\":false}",
        "delete ; /active ; ''"
      })
  void fhirPathPatchWithAPathThatIsNotFhirPath_is400_andChangesNothing(
      String type, String path, String more) {
    String id =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

    HttpResponse<String> response =
        send(
            "PATCH",
            "/Patient/" + id,
            "application/fhir+json",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\","
                + "\"part\":[{\"name\":\"type\",\"valueCode\":\""
                + type
                + "\"},{\"name\":\"path\",\"valueString\":\""
                + path
                + "\"}"
                + more
                + "]}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body())
        .contains("OperationOutcome", "'" + path + "' is not a FHIRPath expression")
        .doesNotContain("Exception");
    Patient stored = client().read().resource(Patient.class).withId(id).execute();
    assertThat(stored.getActive()).isTrue();
    assertThat(stored.getIdElement().getVersionIdPart()).isEqualTo("1");
  }

  @Test
  void ifModifiedSince_thatIsNoDate_is400() {
    HttpResponse<String> response =
        sendWith(
            ehrToken(),
            "GET",
            "/Patient/any",
            null,
            null,
            java.util.Map.of("If-Modified-Since", "yesterday"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("If-Modified-Since must be an HTTP date");
  }

  @ParameterizedTest
  @CsvSource({
    "Observation?value-quantity=1e999, 1e999 of search parameter value-quantity",
    "?value-quantity:x=5, 5 of search parameter value-quantity:x"
  })
  void ifNoneExist_withAValueTheServerCannotRead_is400_andCreatesNothing(
      String condition, String says) {
    String code = "if-none-exist-" + UUID.randomUUID();
    HttpResponse<String> response =
        sendWith(
            ehrToken(),
            "POST",
            "/Observation",
            "application/fhir+json",
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":"
                + "[{\"system\":\"urn:test\",\"code\":\""
                + code
                + "\"}]}}",
            java.util.Map.of("If-None-Exist", condition));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body().replace("'", "")).contains("If-None-Exist: The value " + says);
    assertThat(
            client()
                .search()
                .forResource(Observation.class)
                .where(Observation.CODE.exactly().systemAndCode("urn:test", code))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  @Test
  void validateOutcome_saysItInWords_withoutJavaObjects() {
    // the validator cannot expand a SNOMED value set here, and printed the set's filters as Java
    HttpResponse<String> response =
        send(
            "POST",
            "/Encounter/$validate",
            "application/fhir+json",
            "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\"},\"reasonCode\":[{\"coding\":"
                + "[{\"system\":\"http://snomed.info/sct\"}]}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body())
        .contains("OperationOutcome", "cannot apply filters because CodeSystem")
        .doesNotContainPattern("[A-Za-z]@[0-9a-f]{5,}")
        .doesNotContain("org.hl7.fhir.r5");
  }

  @Test
  void transactionWithInvalidReference_isRejected_andWritesNothing() {
    String mrn = UUID.randomUUID().toString();
    String bundle =
        """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"fullUrl":"urn:uuid:%1$s","resource":{"resourceType":"Patient","identifier":[{"system":"urn:test:mrn","value":"%1$s"}]},
				  "request":{"method":"POST","url":"Patient"}},
				 {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
				  "subject":{"reference":"Patient/does-not-exist-%1$s"}},"request":{"method":"POST","url":"Observation"}}]}
				"""
            .formatted(mrn);

    HttpResponse<String> response = postJson("", bundle);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome").contains("does-not-exist-" + mrn);
    Bundle found =
        client()
            .search()
            .forResource("Patient")
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:test:mrn", mrn))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry())
        .as("the transaction's first entry must not be half-written")
        .isEmpty();
  }

  @Test
  void bodyOverSizeLimit_is413_andStoresNothing() {
    String family = "Big" + UUID.randomUUID().toString().replace("-", "");
    String padding = "x".repeat(33 * 1024 * 1024);
    String body =
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
            + family
            + "\",\"text\":\""
            + padding
            + "\"}]}";

    HttpResponse<String> response = postJson("/Patient", body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("OperationOutcome").contains("max-request-size");
    Bundle found =
        client()
            .search()
            .forResource("Patient")
            .where(Patient.FAMILY.matchesExactly().value(family))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).isEmpty();
  }

  @Test
  void plainXml_isStillAccepted() {
    HttpResponse<String> response =
        send(
            "POST",
            "/Patient",
            "application/fhir+xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"Xml\"/></name></Patient>");

    assertThat(response.statusCode()).isEqualTo(201);
  }
}
