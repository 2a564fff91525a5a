package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.server.audit.AuditFixtures.INDEX;

import ca.uhn.fhir.util.UrlUtil;
import java.nio.charset.StandardCharsets;
import org.consentry.server.crypto.BlindIndexTokens;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

/** Known answers: searched identifiers and names leave only tokens in the stored query. */
class QueryProtectionTest {

  private static final String SSN = "http://hl7.org/fhir/sid/us-ssn|999-41-3819";
  private final QueryProtection protection = new QueryProtection(INDEX);
  private final BlindIndexTokens tokens = new BlindIndexTokens(INDEX);

  private String indexed(String system, String value) {
    return system + "|" + tokens.token(system, value);
  }

  @Test
  void ssnIdentifierSearch_becomesTheServersIdentifierToken() {
    assertThat(protection.protectValue("Patient", "identifier", SSN))
        .isEqualTo(indexed(BlindIndexTokens.IDENTIFIER, SSN))
        .doesNotContain("999-41-3819");
    assertThat(protection.protectValue("Patient", "identifier", "999-41-3819"))
        .isEqualTo(indexed(BlindIndexTokens.IDENTIFIER_VALUE, "999-41-3819"));
  }

  @Test
  void nameSearches_becomeTheServersNameTokens_caseInsensitive_eachOrValue() {
    assertThat(protection.protectValue("Patient", "family", "Smith"))
        .isEqualTo(indexed(BlindIndexTokens.FAMILY, "smith"));
    assertThat(protection.protectValue("Patient", "name:exact", "Alice"))
        .isEqualTo(indexed(BlindIndexTokens.NAME, "Alice"));
    assertThat(protection.protectValue("Patient", "given", "Alice,Bob"))
        .isEqualTo(
            indexed(BlindIndexTokens.GIVEN, "Alice")
                + ","
                + indexed(BlindIndexTokens.GIVEN, "Bob"));
  }

  @Test
  void chainedPatientSearches_useThePatientTokens() {
    assertThat(protection.protectValue("Observation", "subject:Patient.name", "Alice Smith"))
        .isEqualTo(indexed(BlindIndexTokens.NAME, "Alice Smith"));
    assertThat(protection.protectValue("Observation", "patient.identifier", SSN))
        .isEqualTo(indexed(BlindIndexTokens.IDENTIFIER, SSN));
    assertThat(protection.protectValue("Observation", "patient:identifier", SSN))
        .isEqualTo(indexed(BlindIndexTokens.IDENTIFIER, SSN));
    // a chain to something else: no index, an HMAC token
    assertThat(protection.protectValue("Observation", "performer:Organization.name", "Acme"))
        .startsWith(QueryProtection.PROTECTED)
        .doesNotContain("Acme");
  }

  @Test
  void allowedParameters_keepTheirValues() {
    assertThat(
            protection.protectQuery(
                "Observation",
                "patient=Patient/1&_count=10&_sort=-date&code=http://loinc.org%7C1234-5&date=ge2024-01-01"
                    + "&_include=Observation:patient&status:not=cancelled&_has:Observation:patient:code=1234-5"
                    + "&subject:Patient=1&_lastUpdated=gt2024&category=vital-signs&_id=5&_summary=count"))
        .isEqualTo(
            "patient=Patient/1&_count=10&_sort=-date&code=http://loinc.org%7C1234-5&date=ge2024-01-01"
                + "&_include=Observation:patient&status:not=cancelled&_has:Observation:patient:code=1234-5"
                + "&subject:Patient=1&_lastUpdated=gt2024&category=vital-signs&_id=5&_summary=count");
  }

  @Test
  void everythingElse_isDeniedByDefault_withAnHmacToken() {
    String birthdate = protection.protectValue("Patient", "birthdate", "1970-01-01");
    assertThat(birthdate)
        .isEqualTo(
            QueryProtection.PROTECTED + INDEX.token("AuditEvent.query.birthdate", "1970-01-01"));
    assertThat(protection.protectValue("Observation", "identifier", "lab-123"))
        .startsWith(QueryProtection.PROTECTED);
    assertThat(protection.protectValue("Observation", "code:text", "HIV"))
        .startsWith(QueryProtection.PROTECTED);
    assertThat(protection.protectValue("Observation", "_has:Observation:subject:name", "Smith"))
        .startsWith(QueryProtection.PROTECTED);
    assertThat(protection.protectValue("Patient", "_content", "alice"))
        .startsWith(QueryProtection.PROTECTED);
    assertThat(protection.protectValue("Patient", "gender:missing", "true")).isEqualTo("true");
  }

  @Test
  void protect_rewritesHapisQueryEntity_descriptionAndBase64Query() {
    String url =
        "http://localhost:8080/fhir/Patient?identifier="
            + UrlUtil.escapeUrlParam(SSN)
            + "&name=Alice&_count=5";
    AuditEvent event = new AuditEvent();
    AuditEvent.AuditEventEntityComponent query = event.addEntity();
    query.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"));
    query.setDescription(
        "GET http://localhost:8080/fhir/Patient?identifier=" + SSN + "&name=Alice&_count=5");
    query.setQuery(url.getBytes(StandardCharsets.UTF_8));

    protection.protect(event);

    String stored = new String(query.getQuery(), StandardCharsets.UTF_8);
    String expected =
        "http://localhost:8080/fhir/Patient?identifier="
            + UrlUtil.escapeUrlParam(indexed(BlindIndexTokens.IDENTIFIER, SSN))
            + "&name="
            + UrlUtil.escapeUrlParam(indexed(BlindIndexTokens.NAME, "Alice"))
            + "&_count=5";
    assertThat(stored).isEqualTo(expected);
    assertThat(query.getDescription()).isEqualTo("GET " + expected);
    assertThat(stored + query.getDescription()).doesNotContain("999-41-3819", "Alice");
  }

  @Test
  void queriesWithoutParameters_andOtherEntities_areLeftAlone() {
    assertThat(protection.protectUrl("http://localhost:8080/fhir/Patient/1"))
        .isEqualTo("http://localhost:8080/fhir/Patient/1");
    AuditEvent event = new AuditEvent();
    event.addEntity().setDescription("Observation?name=x is not a query entity");
    protection.protect(event);
    assertThat(event.getEntityFirstRep().getDescription())
        .isEqualTo("Observation?name=x is not a query entity");
  }
}
