package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.consentry.cli.identity.TokenClient;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token validation, requesters and SMART scopes against the real Keycloak of the test run. Tokens
 * are Keycloak's own, except where a claim Keycloak never issues is needed (expired, not yet
 * valid): those are signed with a key imported into the realm, which Keycloak publishes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private String alicePatient;
  private String bobPatient;
  private String aliceObservation;
  private String bobObservation;
  private String alicePassword;
  private String drPassword;
  private String ritaPassword;
  private RSAKey realmKey;

  @BeforeAll
  void data() throws Exception {
    alicePatient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    bobPatient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    aliceObservation = observation(alicePatient);
    bobObservation = observation(bobPatient);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    alicePassword = TestKeycloak.users().addPatient("alice-" + suffix, "Patient/" + alicePatient);
    drPassword =
        TestKeycloak.users()
            .addPractitioner(
                "dr-" + suffix, "Practitioner/pr-" + suffix, "Organization/org-" + suffix);
    ritaPassword = TestKeycloak.users().addResearcher("rita-" + suffix);
    this.suffix = suffix;
    realmKey = RealmFixtures.importedSigningKey();
  }

  private String suffix;

  private String observation(String patient) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.setSubject(new Reference("Patient/" + patient));
    return client().create().resource(obs).execute().getId().getIdPart();
  }

  private String alice(String scope) {
    return userToken("alice-" + suffix, alicePassword, scope);
  }

  // ---- authentication ----

  @Test
  void noToken_is401_withBearerChallenge() {
    HttpResponse<String> response = sendAs(null, "GET", "/Observation", null, null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
        .startsWith("Bearer")
        .contains("error=\"invalid_token\"");
    assertThat(response.body()).contains("OperationOutcome");
  }

  @Test
  void metadataAndSmartConfiguration_needNoToken() throws Exception {
    HttpResponse<String> metadata = sendAs(null, "GET", "/metadata", null, null);
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(metadata.body())
        .contains("SMART-on-FHIR")
        .contains("oauth-uris")
        .contains(TestKeycloak.issuer() + "/protocol/openid-connect/token");
    HttpResponse<String> smart =
        sendAs(null, "GET", "/.well-known/smart-configuration", null, null);
    assertThat(smart.statusCode()).isEqualTo(200);
    JsonNode config = JSON.readTree(smart.body());
    assertThat(config.get("token_endpoint").asText())
        .isEqualTo(TestKeycloak.issuer() + "/protocol/openid-connect/token");
    assertThat(config.get("authorization_endpoint").asText())
        .endsWith("/protocol/openid-connect/auth");
    assertThat(config.get("scopes_supported").toString())
        .contains("patient/*.read")
        .contains("user/*.cruds")
        .contains("system/*.*");
    assertThat(config.get("code_challenge_methods_supported").toString()).contains("S256");
    for (String method : new String[] {"PATCH", "POST", "DELETE"}) {
      HttpResponse<String> changed =
          sendAs(ehrToken(), method, "/.well-known/smart-configuration", "application/json", "{}");
      assertThat(changed.statusCode()).as(method).isEqualTo(405);
      assertThat(changed.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }
  }

  @Test
  void signedWithRealmKey_validClaims_isAccepted() throws Exception {
    // the control for the forged cases below: the same signing path with good claims works
    assertThat(status(sign(claims().build()), "/Observation")).isEqualTo(200);
  }

  @Test
  void expiredToken_is401() throws Exception {
    Instant past = Instant.now().minusSeconds(600);
    String token =
        sign(
            claims()
                .issueTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(60)))
                .build());
    assertThat(status(token, "/Observation")).isEqualTo(401);
  }

  @Test
  void notYetValidToken_is401() throws Exception {
    String token = sign(claims().notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build());
    assertThat(status(token, "/Observation")).isEqualTo(401);
  }

  @Test
  void wrongIssuer_is401() throws Exception {
    assertThat(
            status(
                sign(claims().issuer("http://127.0.0.1:1/realms/consentry").build()),
                "/Observation"))
        .isEqualTo(401);
  }

  @Test
  void wrongAudience_is401() throws Exception {
    assertThat(status(sign(claims().audience("another-api").build()), "/Observation"))
        .isEqualTo(401);
  }

  @Test
  void algNone_is401() {
    String token = new PlainJWT(claims().build()).serialize();
    assertThat(status(token, "/Observation")).isEqualTo(401);
  }

  @Test
  void hs256SignedWithThePublicKey_is401() throws Exception {
    byte[] publicKey = realmKey.toRSAPublicKey().getEncoded();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(realmKey.getKeyID()).build(),
            claims().build());
    jwt.sign(new MACSigner(publicKey));
    assertThat(status(jwt.serialize(), "/Observation")).isEqualTo(401);
  }

  @Test
  void tamperedPayload_is401() throws Exception {
    String[] parts = alice(null).split("\\.");
    JsonNode payload = JSON.readTree(Base64URL.from(parts[1]).decode());
    ((com.fasterxml.jackson.databind.node.ObjectNode) payload).put("patient", bobPatient);
    String forged =
        parts[0] + "." + Base64URL.encode(JSON.writeValueAsBytes(payload)) + "." + parts[2];
    assertThat(status(forged, "/Patient/" + bobPatient)).isEqualTo(401);
  }

  @Test
  void unknownKid_is401() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-a-key-of-the-realm").generate();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(stranger.getKeyID()).build(),
            claims().build());
    jwt.sign(new RSASSASigner(stranger));
    assertThat(status(jwt.serialize(), "/Observation")).isEqualTo(401);
  }

  @Test
  void tokenOfAnotherRealm_is401() {
    String secret = RealmFixtures.otherRealmClient("elsewhere");
    String token =
        new TokenClient(java.net.URI.create(TestKeycloak.admin().baseUrl() + "/realms/elsewhere"))
            .clientCredentials("intruder", secret, null);
    assertThat(status(token, "/Observation")).isEqualTo(401);
  }

  @Test
  void garbageToken_is401() {
    assertThat(status("not.a.jwt", "/Observation")).isEqualTo(401);
  }

  @Test
  void tokenNamingNoRequester_is403() {
    String secret = RealmFixtures.confidentialClient("no-scopes-" + suffix, List.of());
    String token =
        new TokenClient(TestKeycloak.admin().issuer())
            .clientCredentials("no-scopes-" + suffix, secret, null);
    HttpResponse<String> response = sendAs(token, "GET", "/Observation", null, null);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("identifies no requester");
  }

  // ---- what each kind of token may do ----

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Patients {

    @Test
    void search_returnsOnlyOwnObservations() {
      Bundle bundle =
          client(alice(null))
              .search()
              .forResource(Observation.class)
              .returnBundle(Bundle.class)
              .count(500)
              .execute();
      assertThat(bundle.getEntry())
          .isNotEmpty()
          .allSatisfy(
              e ->
                  assertThat(((Observation) e.getResource()).getSubject().getReference())
                      .isEqualTo("Patient/" + alicePatient));
      assertThat(ids(bundle)).contains(aliceObservation).doesNotContain(bobObservation);
    }

    @Test
    void searchNamingAnotherPatient_isRefused() {
      HttpResponse<String> response =
          sendAs(alice(null), "GET", "/Observation?subject=Patient/" + bobPatient, null, null);
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).doesNotContain(bobObservation);
    }

    @Test
    void readingAnotherPatientsData_is404() {
      String token = alice(null);
      assertThat(status(token, "/Observation/" + aliceObservation)).isEqualTo(200);
      assertThat(status(token, "/Observation/" + bobObservation)).isEqualTo(404);
      assertThat(status(token, "/Patient/" + bobPatient)).isEqualTo(404);
      assertThat(status(token, "/Patient/" + bobPatient + "/$everything")).isEqualTo(404);
      assertThat(status(token, "/Patient/" + alicePatient)).isEqualTo(200);
    }

    @Test
    void writingWithReadOnlyScope_is403() {
      HttpResponse<String> response =
          sendAs(
              alice(null),
              "POST",
              "/Observation",
              "application/fhir+json",
              observationJson(alicePatient));
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("Observation");
    }

    @Test
    void writingOwnRecord_withWriteScope_isCreated() {
      HttpResponse<String> response =
          sendAs(
              alice("patient/*.cruds"),
              "POST",
              "/Observation",
              "application/fhir+json",
              observationJson(alicePatient));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void writingAnotherPatientsRecord_is403_andNothingIsStored() {
      String token = alice("patient/*.cruds");
      HttpResponse<String> direct =
          sendAs(
              token, "POST", "/Observation", "application/fhir+json", observationJson(bobPatient));
      assertThat(direct.statusCode()).isEqualTo(403);

      String marker = UUID.randomUUID().toString();
      String transaction =
          """
					{"resourceType":"Bundle","type":"transaction","entry":[
					 {"resource":%s,"request":{"method":"POST","url":"Observation"}},
					 {"resource":%s,"request":{"method":"POST","url":"Observation"}}]}"""
              .formatted(
                  observationJson(alicePatient, marker), observationJson(bobPatient, marker));
      HttpResponse<String> tx = sendAs(token, "POST", "", "application/fhir+json", transaction);
      assertThat(tx.statusCode()).isEqualTo(403);
      Bundle stored =
          client()
              .search()
              .forResource(Observation.class)
              .where(Observation.IDENTIFIER.exactly().code(marker))
              .returnBundle(Bundle.class)
              .execute();
      assertThat(stored.getEntry()).as("a refused transaction stores nothing").isEmpty();
    }

    @Test
    void emergencyPurpose_isForPractitionersOnly() {
      HttpResponse<String> response = send(alice(null), "ETREAT");
      assertThat(response.statusCode()).isEqualTo(403);
    }
  }

  @Nested
  class Scopes {

    @Test
    void typeOutsideTheScope_is403() {
      RealmFixtures.publicClient("obs-only-app", List.of("patient/Observation.rs"));
      String token = alice(null);
      // the app client's default scopes include patient/*.read; a narrow client gives a narrow
      // token
      String narrow = passwordToken("obs-only-app", "alice-" + suffix, alicePassword);
      assertThat(status(narrow, "/Observation")).isEqualTo(200);
      assertThat(status(narrow, "/Condition")).isEqualTo(403);
      assertThat(status(token, "/Condition")).isEqualTo(200);
    }

    @Test
    void interactionOutsideTheScope_is403() {
      String secret =
          RealmFixtures.confidentialClient("reader-" + suffix, List.of("system/Observation.rs"));
      String token =
          new TokenClient(TestKeycloak.admin().issuer())
              .clientCredentials("reader-" + suffix, secret, null);
      assertThat(status(token, "/Observation/" + bobObservation)).isEqualTo(200);
      HttpResponse<String> write =
          sendAs(
              token, "POST", "/Observation", "application/fhir+json", observationJson(bobPatient));
      assertThat(write.statusCode()).isEqualTo(403);
      assertThat(status(token, "/Patient")).isEqualTo(403);
    }

    @Test
    void practitionerWithReadScope_readsAll_butCannotWrite() {
      String token = userToken("dr-" + suffix, drPassword, null);
      assertThat(status(token, "/Observation/" + bobObservation)).isEqualTo(200);
      assertThat(status(token, "/Observation/" + aliceObservation)).isEqualTo(200);
      assertThat(
              sendAs(
                      token,
                      "POST",
                      "/Observation",
                      "application/fhir+json",
                      observationJson(bobPatient))
                  .statusCode())
          .isEqualTo(403);
      assertThat(send(token, "TREAT").statusCode()).isEqualTo(200);
      assertThat(send(token, "ETREAT").statusCode())
          .as("emergency access needs the role purpose:ETREAT")
          .isEqualTo(403);
    }

    @Test
    void researcher_actsForResearchOnly() {
      String token = userToken("rita-" + suffix, ritaPassword, null);
      assertThat(send(token, "HRESCH").statusCode()).isEqualTo(200);
      assertThat(send(token, "TREAT").statusCode()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOT-A-PURPOSE", "http://example.org|TREAT"})
    void unknownPurpose_is400(String purpose) {
      assertThat(send(ehrToken(), purpose).statusCode()).isEqualTo(400);
    }

    @Test
    void ehrSystem_writesAndReads() {
      HttpResponse<String> write =
          sendAs(
              ehrToken(),
              "POST",
              "/Observation",
              "application/fhir+json",
              observationJson(bobPatient));
      assertThat(write.statusCode()).isEqualTo(201);
    }
  }

  // ---- helpers ----

  private HttpResponse<String> send(String token, String purpose) {
    var request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/Organization?_count=1"))
            .header("Authorization", "Bearer " + token)
            .header("X-Purpose-Of-Use", purpose)
            .GET()
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String passwordToken(String clientId, String username, String password) {
    String body =
        "grant_type=password&client_id="
            + clientId
            + "&username="
            + username
            + "&password="
            + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&scope=openid";
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(TestKeycloak.issuer() + "/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body())
          .get("access_token")
          .asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private int status(String token, String path) {
    return sendAs(token, "GET", path, null, null).statusCode();
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(TestKeycloak.issuer())
        .audience(List.of("consentry-fhir"))
        .subject(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .claim("typ", "Bearer")
        .claim("azp", "ehr-system")
        .claim("scope", "system/*.read");
  }

  private String sign(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(realmKey.getKeyID())
                .build(),
            claims);
    jwt.sign(new RSASSASigner(realmKey));
    return jwt.serialize();
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static String observationJson(String patient) {
    return observationJson(patient, UUID.randomUUID().toString());
  }

  private static String observationJson(String patient, String marker) {
    return """
				{"resourceType":"Observation","status":"final","identifier":[{"value":"%s"}],
				 "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/%s"}}"""
        .formatted(marker, patient);
  }
}
