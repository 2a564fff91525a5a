package org.consentry.server.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.consent.ConsentJson;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Websocket Subscriptions (R4: bind, bound, ping): a connection is authenticated (header or bind
 * message) and binds only its requester's own Subscription, someone else's answering exactly like
 * an unknown one; each ping is decided for the subscriber at delivery time, so after a patient
 * denies the subscriber's organization nothing is sent for that patient, while the socket keeps
 * working; one ping per event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebsocketSubscriptionsIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FHIR_JSON = "application/fhir+json";
  private static final String SYSTEM = "urn:consentry:test:ws";

  private String orgA;
  private String drAToken;
  private String drBToken;
  private String allowed;
  private String denying;
  private String denyingUser;
  private String denyingPassword;
  private String patientPassword;
  private String patientUser;
  private String code;

  @BeforeAll
  void people() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    code = "ws-" + s;
    orgA = "Organization/ws-org-a-" + s;
    String orgB = "Organization/ws-org-b-" + s;
    for (String org : List.of(orgA, orgB)) {
      client().update().resource(new Organization().setName(org).setId(org)).execute();
    }
    String drA = "Practitioner/ws-dr-a-" + s;
    String drB = "Practitioner/ws-dr-b-" + s;
    for (String dr : List.of(drA, drB)) {
      client().update().resource(new Practitioner().setActive(true).setId(dr)).execute();
    }
    drAToken =
        userToken(
            "ws-dr-a-" + s,
            TestKeycloak.users().addPractitioner("ws-dr-a-" + s, drA, orgA),
            "user/*.cruds");
    drBToken =
        userToken(
            "ws-dr-b-" + s,
            TestKeycloak.users().addPractitioner("ws-dr-b-" + s, drB, orgB),
            "user/*.cruds");
    allowed = newPatient();
    patientUser = "ws-p-" + s;
    patientPassword = TestKeycloak.users().addPatient(patientUser, "Patient/" + allowed);
    denying = newPatient();
    denyingUser = "ws-q-" + s;
    denyingPassword = TestKeycloak.users().addPatient(denyingUser, "Patient/" + denying);
  }

  @Test
  void pings_onlyForWhatTheSubscriberMaySee_oncePerEvent() throws Exception {
    String sub = subscribe(drAToken, "Observation?code=" + SYSTEM + "|" + code);
    try (SocketClient byHeader = SocketClient.connect(socket(), drAToken);
        SocketClient byBind = SocketClient.connect(socket(), null)) {
      byHeader.send("bind " + sub);
      assertThat(byHeader.next(10_000)).isEqualTo("bound " + sub);
      byBind.send("bind Subscription/" + sub + " " + drAToken); // as a browser must
      assertThat(byBind.next(10_000)).isEqualTo("bound " + sub);

      observation(allowed);
      assertThat(byHeader.next(20_000)).isEqualTo("ping " + sub);
      assertThat(byBind.next(20_000)).isEqualTo("ping " + sub);

      HttpResponse<String> denial =
          sendAs(
              userToken(denyingUser, denyingPassword, "patient/*.cruds"),
              "POST",
              "/Consent",
              FHIR_JSON,
              ConsentJson.denyActor(denying, orgA));
      assertThat(denial.statusCode()).as(denial.body()).isEqualTo(201);
      observation(denying);
      assertThat(byHeader.next(4_000)).as("nothing for the patient who denied org A").isNull();
      assertThat(byBind.next(0)).isNull();

      observation(allowed);
      assertThat(byHeader.next(20_000)).as("the socket is alive").isEqualTo("ping " + sub);
      assertThat(byBind.next(20_000)).isEqualTo("ping " + sub);

      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        observation(allowed);
        SocketClient.Received ping = byHeader.nextReceived(20_000);
        assertThat(ping).isNotNull();
        assertThat(ping.text()).isEqualTo("ping " + sub);
        millis.add((ping.nanos() - start) / 1_000_000);
        assertThat(byBind.next(20_000)).isEqualTo("ping " + sub);
      }
      Thread.sleep(1_000);
      assertThat(byHeader.received()).as("one ping per event").hasSize(1 + 12);
      assertThat(byBind.received()).hasSize(1 + 12);
      Collections.sort(millis);
      System.out.printf(
          "websocket notification latency (create sent -> ping received), 10 events: min %d ms,"
              + " median %d ms, max %d ms%n",
          millis.get(0), millis.get(5), millis.get(9));
    }
  }

  @Test
  void connections_areAuthenticated_andBindOnlyTheirOwnSubscription() throws Exception {
    String sub = subscribe(drAToken, "Observation?code=" + SYSTEM + "|other-" + code);

    assertThat(handshakeStatus("not-a-token"))
        .as("a bad token is refused before the upgrade")
        .isEqualTo(401);
    assertThat(handshakeStatus(userToken(patientUser, patientPassword, "patient/*.cruds")))
        .as("patients do not subscribe")
        .isEqualTo(403);

    String someoneElses = refusal(drBToken, "bind " + sub);
    String unknownId = UUID.randomUUID().toString();
    String unknown = refusal(drBToken, "bind " + unknownId);
    assertThat(someoneElses).startsWith("error ").contains("is not known");
    assertThat(someoneElses.replace(sub, "X")).isEqualTo(unknown.replace(unknownId, "X"));

    assertThat(refusal(null, "bind " + sub)).startsWith("error an access token is required");
    assertThat(refusal(null, "bind " + sub + " not-a-token")).startsWith("error the access token");
    assertThat(refusal(drAToken, "hello")).startsWith("error expected: bind");

    HttpResponse<String> plain =
        sendAs(null, "GET", "http://127.0.0.1:" + port + "/websocket", null, null);
    assertThat(plain.statusCode()).as("no upgrade, no service").isBetween(400, 499);

    String metadata = sendAs(null, "GET", "/metadata", null, null).body();
    assertThat(metadata)
        .as("the CapabilityStatement names the websocket")
        .contains("capabilitystatement-websocket")
        .contains("ws://127.0.0.1:" + port + "/websocket");

    String withEndpoint =
        """
        {"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Observation?code=1",
         "channel":{"type":"websocket","endpoint":"ws://elsewhere.example.org/"}}""";
    HttpResponse<String> refused =
        sendAs(drAToken, "POST", "/Subscription", FHIR_JSON, withEndpoint);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("not used by a websocket Subscription");
  }

  /** The first message after sending {@code text}, asserting that the server then closes (1008). */
  private String refusal(String token, String text) throws InterruptedException {
    try (SocketClient client = SocketClient.connect(socket(), token)) {
      client.send(text);
      String answer = client.next(10_000);
      assertThat(client.closeCode(10_000)).as(answer).isEqualTo(1008);
      return answer;
    }
  }

  private int handshakeStatus(String token) {
    Throwable thrown = catchThrowable(() -> SocketClient.connect(socket(), token).close());
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode();
  }

  private URI socket() {
    return URI.create("ws://127.0.0.1:" + port + "/websocket");
  }

  private String subscribe(String token, String criteria) throws Exception {
    String json =
        """
        {"resourceType":"Subscription","status":"requested","reason":"monitoring",
         "criteria":"%s","channel":{"type":"websocket"}}"""
            .formatted(criteria);
    HttpResponse<String> created = sendAs(token, "POST", "/Subscription", FHIR_JSON, json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id =
        created
            .headers()
            .firstValue("Location")
            .orElseThrow()
            .replaceAll(".*/Subscription/([^/]+).*", "$1");
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      String read = sendAs(token, "GET", "/Subscription/" + id, null, null).body();
      if ("active".equals(JSON.readTree(read).path("status").asText())) {
        Thread.sleep(500);
        return id;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Subscription/" + id + " was not activated");
  }

  private String newPatient() {
    return client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private void observation(String subject) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem(SYSTEM).setCode(code);
    obs.setSubject(new Reference("Patient/" + subject));
    obs.setEffective(new DateTimeType(new java.util.Date()));
    obs.setValue(new Quantity(72).setUnit("/min"));
    client().create().resource(obs).execute();
  }
}
