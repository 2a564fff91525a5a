package org.consentry.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.consentry.server.subscription.Receiver;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The shipped rules (application.yaml): heart rate above 120 /min for 10 minutes, SpO2 below 90 %.
 * Known inputs raise exactly one Flag per episode, from single values and from sampledData series
 * alike, and a clinician's Subscription receives it. Also measures notification latency from the
 * write of a measurement to its delivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOINC = "http://loinc.org";
  private static final String HEART_RATE = "8867-4";

  @Autowired AlertWorker worker;

  private final Receiver receiver = new Receiver(0);
  private String drToken;

  @BeforeAll
  void clinician() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    String dr = "Practitioner/alert-dr-" + s;
    client().update().resource(new Practitioner().setActive(true).setId(dr)).execute();
    drToken =
        userToken(
            "alert-dr-" + s,
            TestKeycloak.users().addPractitioner("alert-dr-" + s, dr, null),
            "user/*.cruds");
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  @Test
  void sustainedHeartRate_raisesOneFlag_thatTheClinicianReceives() throws Exception {
    String patient = newPatient();
    String sub = subscribe("Flag?patient=Patient/" + patient);
    awaitActive(sub);
    Instant start = Instant.now().minus(40, ChronoUnit.MINUTES);
    for (int minute = 0; minute <= 11; minute++) {
      heartRate(patient, start.plus(minute, ChronoUnit.MINUTES), 125 + minute);
    }
    Receiver.Hit hit = receiver.await(h -> h.body().contains("Patient/" + patient), 30_000);
    assertThat(hit).as("the clinician's Subscription receives the Flag").isNotNull();
    assertThat(hit.path()).contains("/Flag/");
    assertThat(hit.body()).contains("tachycardia");

    // more high values: the same episode, no second Flag
    for (int minute = 12; minute <= 14; minute++) {
      heartRate(patient, start.plus(minute, ChronoUnit.MINUTES), 130);
    }
    assertThat(worker.idle(30_000)).isTrue();
    List<JsonNode> flags = flags(patient);
    assertThat(flags).hasSize(1);
    assertThat(flags.get(0).path("status").asText()).isEqualTo("active");
    assertThat(flags.get(0).toString()).contains("flag-detail");

    // back in range: the episode ends
    heartRate(patient, start.plus(15, ChronoUnit.MINUTES), 80);
    assertThat(worker.idle(30_000)).isTrue();
    flags = flags(patient);
    assertThat(flags).hasSize(1);
    assertThat(flags.get(0).path("status").asText()).isEqualTo("inactive");
    assertThat(flags.get(0).path("period").has("end")).isTrue();
  }

  @Test
  void sampledDataSeries_isEvaluatedSampleBySample() throws Exception {
    Instant start = Instant.now().minus(2, ChronoUnit.HOURS);
    String twelveMinutes = newPatient();
    // one sample a minute; E (no reading) at minute 3 leaves a 2-minute gap, which still counts
    series(twelveMinutes, start, "130 131 132 E 134 135 136 137 138 139 140 141 142");
    String nineMinutes = newPatient();
    series(nineMinutes, start, "130 131 132 133 134 135 136 137 138 139 90 91");
    String brokenByGap = newPatient();
    series(brokenByGap, start, "130 131 132 133 E E E 137 138 139 140 141 142");
    assertThat(worker.idle(30_000)).isTrue();
    assertThat(flags(twelveMinutes)).hasSize(1);
    assertThat(flags(nineMinutes)).as("9 minutes is not 10").isEmpty();
    assertThat(flags(brokenByGap)).as("a 4-minute gap breaks the run").isEmpty();
  }

  @Test
  void lowSpo2_raisesAFlagAtOnce_andNormalValuesNone() throws Exception {
    String low = newPatient();
    String normal = newPatient();
    spo2(normal, 96);
    spo2(low, 87);
    assertThat(worker.idle(30_000)).isTrue();
    assertThat(flags(normal)).isEmpty();
    List<JsonNode> flags = flags(low);
    assertThat(flags).hasSize(1);
    assertThat(flags.get(0).toString()).contains("low-spo2").contains("87");
  }

  /**
   * A node remembers patients without an active Flag (so values back in range need not search the
   * Flags each time); a Flag written since, by anyone on any node, must end that memory: here an
   * active Flag of the rule written through the API after the node saw the patient in range is
   * ended by the next value in range.
   */
  @Test
  void anActiveFlagWrittenSinceTheLastEvaluation_isEndedByTheNextValueInRange() throws Exception {
    String patient = newPatient();
    Instant start = Instant.now().minus(3, ChronoUnit.HOURS);
    heartRate(patient, start, 80);
    assertThat(worker.idle(30_000)).isTrue();
    heartRate(patient, start.plus(1, ChronoUnit.MINUTES), 82);
    assertThat(worker.idle(30_000)).isTrue();

    Flag elsewhere = new Flag().setStatus(Flag.FlagStatus.ACTIVE);
    elsewhere.getCode().addCoding(new Coding(AlertRaiser.RULES, "tachycardia", null));
    elsewhere.getMeta().addTag(AlertRaiser.RULES, "tachycardia", null);
    elsewhere.setSubject(new Reference("Patient/" + patient));
    elsewhere.getPeriod().setStart(Date.from(start.plus(2, ChronoUnit.MINUTES)));
    client().create().resource(elsewhere).execute();

    heartRate(patient, start.plus(30, ChronoUnit.MINUTES), 84);
    assertThat(worker.idle(30_000)).isTrue();
    List<JsonNode> flags = flags(patient);
    assertThat(flags).hasSize(1);
    assertThat(flags.get(0).path("status").asText()).isEqualTo("inactive");
  }

  /** Median time from the write of a measurement to its rest-hook delivery. */
  @Test
  void notificationLatency() throws Exception {
    String patient = newPatient();
    Receiver timing = new Receiver(0);
    try {
      String sub = subscribe("Observation?patient=Patient/" + patient, timing.endpoint());
      String alertSub =
          subscribe("Flag?_tag=" + AlertRaiser.RULES + "|low-spo2", timing.endpoint());
      awaitActive(sub);
      awaitActive(alertSub);
      List<Long> observations = new ArrayList<>();
      for (int i = 0; i < 21; i++) {
        long t0 = System.nanoTime();
        String id = heartRate(patient, Instant.now(), 70 + i);
        Receiver.Hit hit = timing.await(h -> h.path().endsWith("/Observation/" + id), 20_000);
        assertThat(hit).isNotNull();
        if (i > 0) {
          observations.add((hit.nanos() - t0) / 1_000_000);
        }
      }
      List<Long> alerts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String other = newPatient();
        long t0 = System.nanoTime();
        spo2(other, 85);
        Receiver.Hit hit =
            timing.await(
                h -> h.path().contains("/Flag/") && h.body().contains("Patient/" + other), 20_000);
        assertThat(hit).as("the alert reaches the subscriber").isNotNull();
        alerts.add((hit.nanos() - t0) / 1_000_000);
      }
      System.out.printf(
          "NOTIFICATION LATENCY write->delivery: Observation median %d ms (n=%d, max %d ms)%n",
          median(observations), observations.size(), Collections.max(observations));
      System.out.printf(
          "NOTIFICATION LATENCY write->alert Flag delivery: median %d ms (n=%d, max %d ms)%n",
          median(alerts), alerts.size(), Collections.max(alerts));
      assertThat(median(observations)).isLessThan(2_000);
    } finally {
      timing.close();
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private String subscribe(String criteria) {
    return subscribe(criteria, receiver.endpoint());
  }

  private String subscribe(String criteria, String endpoint) {
    String json =
        """
        {"resourceType":"Subscription","status":"requested","reason":"alerts",
         "criteria":"%s","channel":{"type":"rest-hook","endpoint":"%s",
         "payload":"application/fhir+json"}}"""
            .formatted(criteria, endpoint);
    HttpResponse<String> created =
        sendAs(drToken, "POST", "/Subscription", "application/fhir+json", json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created
        .headers()
        .firstValue("Location")
        .orElseThrow()
        .replaceAll(".*/Subscription/([^/]+).*", "$1");
  }

  private void awaitActive(String id) throws Exception {
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      JsonNode read =
          JSON.readTree(sendAs(drToken, "GET", "/Subscription/" + id, null, null).body());
      if ("active".equals(read.path("status").asText())) {
        Thread.sleep(500);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Subscription/" + id + " was not activated");
  }

  private List<JsonNode> flags(String patient) throws Exception {
    JsonNode bundle = JSON.readTree(get("/Flag?patient=Patient/" + patient).body());
    List<JsonNode> flags = new ArrayList<>();
    bundle.path("entry").forEach(e -> flags.add(e.path("resource")));
    return flags;
  }

  private String newPatient() {
    return client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
  }

  private String heartRate(String patient, Instant at, double value) {
    Observation obs = vital(patient, HEART_RATE);
    obs.setEffective(new DateTimeType(Date.from(at)));
    obs.setValue(
        new Quantity(value).setUnit("/min").setSystem("http://unitsofmeasure.org").setCode("/min"));
    return client().create().resource(obs).execute().getId().getIdPart();
  }

  private void spo2(String patient, double value) {
    Observation obs = vital(patient, "59408-5");
    obs.setEffective(new DateTimeType(new Date()));
    obs.setValue(
        new Quantity(value).setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
    client().create().resource(obs).execute();
  }

  private void series(String patient, Instant start, String data) {
    Observation obs = vital(patient, HEART_RATE);
    int samples = data.split(" ").length;
    obs.setEffective(
        new Period()
            .setStart(Date.from(start))
            .setEnd(Date.from(start.plus(samples - 1L, ChronoUnit.MINUTES))));
    SampledData sampled = new SampledData();
    sampled.setOrigin(
        (org.hl7.fhir.r4.model.SimpleQuantity)
            new org.hl7.fhir.r4.model.SimpleQuantity()
                .setValue(BigDecimal.ZERO)
                .setUnit("/min")
                .setSystem("http://unitsofmeasure.org")
                .setCode("/min"));
    sampled.setPeriod(60_000);
    sampled.setDimensions(1);
    sampled.setData(data);
    obs.setValue(sampled);
    client().create().resource(obs).execute();
  }

  private static Observation vital(String patient, String code) {
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.addCategory()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
        .setCode("vital-signs");
    obs.getCode().addCoding().setSystem(LOINC).setCode(code);
    obs.setSubject(new Reference("Patient/" + patient));
    return obs;
  }
}
