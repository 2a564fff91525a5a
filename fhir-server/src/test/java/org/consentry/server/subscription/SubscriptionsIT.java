package org.consentry.server.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.consent.ConsentJson;
import org.consentry.server.subscription.Receiver.Hit;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Rest-hook Subscriptions: each notification is decided for its subscriber when it is delivered
 * (after the patient denies the subscriber's organization, the next one is not delivered to it,
 * while another subscriber still gets it), payloads are decrypted only for those who may see them,
 * a failed delivery is retried and nothing is delivered twice, and a bad Subscription gets 4xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionsIT extends ServerIT {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";

  @Autowired private IInterceptorService storage;

  private final Receiver receiverA = new Receiver(0);
  private final Receiver receiverB = new Receiver(0);
  private final Receiver flaky = new Receiver(1);
  private String orgA;
  private String drAToken;
  private String drBToken;
  private String patient;
  private String patientUser;
  private String patientPassword;

  @BeforeAll
  void people() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    orgA = "Organization/sub-org-a-" + s;
    String orgB = "Organization/sub-org-b-" + s;
    for (String org : List.of(orgA, orgB)) {
      client().update().resource(new Organization().setName(org).setId(org)).execute();
    }
    String drA = "Practitioner/sub-dr-a-" + s;
    String drB = "Practitioner/sub-dr-b-" + s;
    for (String dr : List.of(drA, drB)) {
      client().update().resource(new Practitioner().setActive(true).setId(dr)).execute();
    }
    drAToken =
        userToken(
            "sub-dr-a-" + s,
            TestKeycloak.users().addPractitioner("sub-dr-a-" + s, drA, orgA),
            "user/*.cruds");
    drBToken =
        userToken(
            "sub-dr-b-" + s,
            TestKeycloak.users().addPractitioner("sub-dr-b-" + s, drB, orgB),
            "user/*.cruds");
    patient = newPatient();
    patientUser = "sub-p-" + s;
    patientPassword = TestKeycloak.users().addPatient(patientUser, "Patient/" + patient);
  }

  @AfterAll
  void stop() {
    receiverA.close();
    receiverB.close();
    flaky.close();
  }

  @Test
  void eachNotification_isDecidedAtDelivery_forItsSubscriber() throws Exception {
    String criteria = "Observation?patient=Patient/" + patient;
    String subA = subscribe(drAToken, criteria, receiverA.endpoint());
    String subB = subscribe(drBToken, criteria, receiverB.endpoint());
    awaitActive(drAToken, subA);
    awaitActive(drBToken, subB);

    String first = observation(patient, "first reading, noted in confidence");
    Hit toA = receiverA.await(h -> h.path().endsWith("/Observation/" + first), 20_000);
    Hit toB = receiverB.await(h -> h.path().endsWith("/Observation/" + first), 20_000);
    assertThat(toA).as("dr A is allowed (treatment is opt-out)").isNotNull();
    assertThat(toB).isNotNull();
    assertThat(toA.method()).isEqualTo("PUT");
    assertThat(toA.body())
        .as("delivered decrypted to whom may see it")
        .contains("first reading, noted in confidence");
    assertThat(toA.event()).isNotBlank().isNotEqualTo(toB.event());

    HttpResponse<String> denial =
        sendAs(patientToken(), "POST", "/Consent", FHIR_JSON, ConsentJson.denyActor(patient, orgA));
    assertThat(denial.statusCode()).as(denial.body()).isEqualTo(201);

    String second = observation(patient, "second reading");
    assertThat(receiverB.await(h -> h.path().endsWith("/Observation/" + second), 20_000))
        .as("the allowed subscriber still gets it")
        .isNotNull();
    Thread.sleep(3000); // dr A's channel runs beside dr B's: give it time to (wrongly) deliver
    assertThat(receiverA.mentioning(second)).as("nothing of it reaches dr A").isEmpty();
    assertThat(receiverA.hits()).as("not even an empty notification").hasSize(1);

    // one delivery per event and subscriber
    assertThat(receiverB.mentioning(first)).hasSize(1);
    assertThat(receiverB.mentioning(second)).hasSize(1);
    assertThat(receiverB.hits().stream().map(Hit::event).distinct().count())
        .isEqualTo(receiverB.hits().size());
  }

  @Test
  void failedDelivery_isRetried_andDeliveredOnce() throws Exception {
    String other = newPatient();
    String sub = subscribe(drBToken, "Observation?patient=Patient/" + other, flaky.endpoint());
    awaitActive(drBToken, sub);
    String id = observation(other, "retry me");
    Hit delivered = flaky.await(h -> h.path().endsWith(id) && h.status() == 200, 30_000);
    assertThat(delivered).as("HAPI's channel retries after the 500").isNotNull();
    Thread.sleep(2000);
    List<Hit> attempts = flaky.mentioning(id);
    assertThat(attempts).extracting(Hit::status).containsExactly(500, 200);
    assertThat(attempts).extracting(Hit::event).containsOnly(delivered.event());
  }

  @Test
  void changes_areMatchedByTheMatcherThatLeavesOutUnwatchedTypes_notByHapis() {
    List<Object> registered = storage.getAllRegisteredInterceptors();
    assertThat(registered).filteredOn(UnwatchedChanges.class::isInstance).hasSize(1);
    assertThat(registered)
        .as("HAPI's own matcher would make a message of every change")
        .noneMatch(i -> i.getClass() == SubscriptionMatcherInterceptor.class);
  }

  @Test
  void badSubscriptions_getUnprocessableEntity() {
    String endpoint = receiverA.endpoint();
    assertRefused(subscriptionJson("not a search", endpoint), "Subscription.criteria");
    assertRefused(subscriptionJson("Observation?subject.name=Smith", endpoint), "no chains");
    assertRefused(
        subscriptionJson("Observation?_has:Condition:patient:code=1234", endpoint), "_has");
    assertRefused(subscriptionJson("AuditEvent?", endpoint), "not offered to subscribe");
    assertRefused(subscriptionJson("Observation?code=8867-4", "ftp://127.0.0.1/x"), "http(s)");
    assertRefused(
        subscriptionJson("Observation?code=8867-4", "http://10.1.2.3/hook"), "not allowed");
    assertRefused(
        """
        {"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Observation?code=1",
         "channel":{"type":"email","endpoint":"mailto:a@example.org"}}""",
        "rest-hook");
    assertRefused(
        """
        {"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Observation?code=1",
         "channel":{"type":"rest-hook","endpoint":"%s","extension":[{"url":
         "http://hapifhir.io/fhir/StructureDefinition/subscription-payload-search-criteria",
         "valueString":"Patient?_id=1"}]}}"""
            .formatted(endpoint),
        "not supported");
  }

  @Test
  void subscriptions_areForStaff_andSeenByTheirSubscriberOnly() throws Exception {
    String json = subscriptionJson("Observation?code=8867-4", receiverA.endpoint());
    HttpResponse<String> byPatient =
        sendAs(patientToken(), "POST", "/Subscription", FHIR_JSON, json);
    assertThat(byPatient.statusCode()).isEqualTo(403);

    // a subscriber named by the client is replaced by the requester who writes it
    String forged =
        json.replace(
            "\"channel\":{",
            "\"channel\":{\"extension\":[{\"url\":\"https://consentry.org/fhir/StructureDefinition/"
                + "subscriber\",\"valueString\":\"{\\\"kind\\\":\\\"SYSTEM\\\"}\"}],");
    String sub = subscribe(drAToken, forged);
    String read = sendAs(drAToken, "GET", "/Subscription/" + sub, null, null).body();
    assertThat(read).contains("PRACTITIONER").doesNotContain("\\\"kind\\\":\\\"SYSTEM\\\"}\"");
    HttpResponse<String> byOther = sendAs(drBToken, "GET", "/Subscription/" + sub, null, null);
    HttpResponse<String> missing =
        sendAs(drBToken, "GET", "/Subscription/" + UUID.randomUUID(), null, null);
    assertThat(byOther.statusCode()).isEqualTo(404);
    assertThat(byOther.body()).isEqualTo(missing.body().replace(missingId(missing), sub));
    String search = sendAs(drBToken, "GET", "/Subscription?_id=" + sub, null, null).body();
    assertThat(search).contains("\"total\":0").doesNotContain("\"entry\"");
  }

  private static String missingId(HttpResponse<String> missing) throws Exception {
    String uri = missing.request().uri().getPath();
    return uri.substring(uri.lastIndexOf('/') + 1);
  }

  private void assertRefused(String json, String says) {
    HttpResponse<String> response = sendAs(drAToken, "POST", "/Subscription", FHIR_JSON, json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("OperationOutcome").contains(says);
  }

  static String subscriptionJson(String criteria, String endpoint) {
    return """
        {"resourceType":"Subscription","status":"requested","reason":"monitoring",
         "criteria":"%s","channel":{"type":"rest-hook","endpoint":"%s",
         "payload":"application/fhir+json"}}"""
        .formatted(criteria, endpoint);
  }

  String subscribe(String token, String criteria, String endpoint) {
    return subscribe(token, subscriptionJson(criteria, endpoint));
  }

  String subscribe(String token, String json) {
    HttpResponse<String> created = sendAs(token, "POST", "/Subscription", FHIR_JSON, json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    return location.replaceAll(".*/Subscription/([^/]+).*", "$1");
  }

  /** Waits until HAPI has activated the Subscription (and registered it for matching). */
  void awaitActive(String token, String id) throws Exception {
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      JsonNode read = JSON.readTree(sendAs(token, "GET", "/Subscription/" + id, null, null).body());
      if ("active".equals(read.path("status").asText())) {
        Thread.sleep(500);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Subscription/" + id + " was not activated");
  }

  String newPatient() {
    return client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  String observation(String subject, String note) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8310-5");
    obs.setSubject(new Reference("Patient/" + subject));
    obs.setEffective(new org.hl7.fhir.r4.model.DateTimeType(new java.util.Date()));
    obs.setValue(new org.hl7.fhir.r4.model.Quantity(36.8).setUnit("Cel").setCode("Cel"));
    obs.addNote().setText(note);
    return client().create().resource(obs).execute().getId().getIdPart();
  }

  private String patientToken() {
    return userToken(patientUser, patientPassword, "patient/*.cruds");
  }
}
