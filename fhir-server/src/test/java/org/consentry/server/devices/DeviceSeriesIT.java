package org.consentry.server.devices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.consentry.server.TestKeycloak;
import org.consentry.server.consent.ConsentJson;
import org.hl7.fhir.r4.model.Device;
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
 * Wearables end to end: devices belong to their patients, a gateway's batches become hourly
 * sampledData windows (idempotent, order-independent, all or nothing), and {@code $series} gives
 * them back at every downsampling level, as consent shows them.
 *
 * <p>p1 has a heart-rate device and denies organization A; p2 has no data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceSeriesIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HR = "8867-4";
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

  private String s;
  private String p1;
  private String p2;
  private String device1;
  private String device2;
  private String drA;
  private String drB;
  private String p1Token;

  @BeforeAll
  void data() {
    s = UUID.randomUUID().toString().substring(0, 8);
    String orgA = "Organization/dev-a-" + s;
    String orgB = "Organization/dev-b-" + s;
    client().update().resource(new Organization().setName("A").setId(orgA)).execute();
    client().update().resource(new Organization().setName("B").setId(orgB)).execute();
    for (String dr : List.of("dev-dra-" + s, "dev-drb-" + s)) {
      client()
          .update()
          .resource(new Practitioner().setActive(true).setId("Practitioner/" + dr))
          .execute();
    }
    drA = practitioner("dev-dra-" + s, orgA);
    drB = practitioner("dev-drb-" + s, orgB);
    p1 = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    p2 = client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    device1 = device(p1, "SN-" + s + "-one");
    device2 = device(p2, "SN-" + s + "-two");
    p1Token =
        userToken(
            "dev-p1-" + s,
            TestKeycloak.users().addPatient("dev-p1-" + s, "Patient/" + p1),
            "patient/*.cruds");
    HttpResponse<String> consent =
        send("POST", "/Consent", "application/fhir+json", ConsentJson.denyActor(p1, orgA));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(201);
  }

  @Test
  void aDevice_belongsToItsPatient_andItsSerialIsEncrypted() throws Exception {
    Device read = client().read().resource(Device.class).withId(device1).execute();
    assertThat(read.getSerialNumber()).isEqualTo("SN-" + s + "-one");
    assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo("SN-" + s + "-one");
    assertThat(sendAs(drA, "GET", "/Device/" + device1, null, null).statusCode())
        .as("p1 denies organization A: her device is hidden as absent")
        .isEqualTo(404);
    assertThat(sendAs(drB, "GET", "/Device/" + device1, null, null).statusCode()).isEqualTo(200);
    assertThat(storedVersionsContaining("SN-" + s + "-one")).as("serial in plaintext").isZero();
    assertThat(storedVersionsContaining("Wrist-" + s)).as("control: the model name").isPositive();
    assertThat(sendAs(drB, "GET", "/Device?identifier=SN-" + s + "-one", null, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void ingest_isIdempotent_andPlacesLateAndOutOfOrderMeasurements() throws Exception {
    long hour = T0 + 3_600_000L;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      lines.add(line(p1, device1, hour + i * 1000L, 60 + i % 50));
    }
    Collections.shuffle(lines, new Random(3));
    long creates = auditCount(p1, "create");
    assertThat(ingest(ehrToken(), lines.subList(0, 400)).statusCode()).isEqualTo(200);
    assertThat(auditCount(p1, "create") - creates)
        .as("the window's create is audited")
        .isEqualTo(1);
    String id = windowId(hour);
    assertThat(version(id)).isEqualTo("1");

    HttpResponse<String> again = ingest(ehrToken(), lines.subList(0, 400));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(version(id)).as("the same batch again: no new version").isEqualTo("1");

    assertThat(ingest(ehrToken(), lines.subList(350, 600)).statusCode()).as("late").isEqualTo(200);
    assertThat(version(id)).isEqualTo("2");
    Observation window = client().read().resource(Observation.class).withId(id).execute();
    assertThat(window.getDevice().getReference()).isEqualTo("Device/" + device1);
    assertThat(window.getValueSampledData().getPeriod().intValue()).isEqualTo(1000);
    String[] data = window.getValueSampledData().getData().split(" ");
    assertThat(data).hasSize(600);
    for (int i = 0; i < 600; i++) {
      assertThat(data[i]).isEqualTo(Integer.toString(60 + i % 50));
    }
    assertThat(window.getMeta().getSecurity()).as("labelled like every write").isNotEmpty();

    // ordinary searches find the window by its effective period
    assertThat(
            ids(
                ehrToken(),
                "/Observation?patient="
                    + p1
                    + "&code="
                    + HR
                    + "&date=ge"
                    + at(hour + 300_000)
                    + "&date=le"
                    + at(hour + 301_000)))
        .contains(id);
    assertThat(
            ids(
                ehrToken(),
                "/Observation?patient=" + p1 + "&code=" + HR + "&date=ge" + at(hour + 700_000)))
        .doesNotContain(id);
  }

  /**
   * Four gateways send different measurements of one new window at the same instant: the window's
   * first write is a create by all four, and the three that lose it merge again with what won. No
   * measurement is lost and every batch is answered 200.
   */
  @Test
  void concurrentBatches_ofOneNewWindow_loseNothing() throws Exception {
    long hour = T0 + 5 * 3_600_000L;
    int writers = 4;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(writers);
    try {
      List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        answers.add(
            pool.submit(
                () -> {
                  List<String> lines = new ArrayList<>();
                  for (int i = writer; i < 400; i += writers) {
                    lines.add(line(p1, device1, hour + i * 1000L, 70 + i % 20));
                  }
                  start.await();
                  return ingest(ehrToken(), lines).statusCode();
                }));
      }
      for (java.util.concurrent.Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    Observation window =
        client().read().resource(Observation.class).withId(windowId(hour)).execute();
    String[] data = window.getValueSampledData().getData().split(" ");
    assertThat(data).hasSize(400);
    for (int i = 0; i < 400; i++) {
      assertThat(data[i]).as("second " + i).isEqualTo(Integer.toString(70 + i % 20));
    }
  }

  @Test
  void series_roundTrips_atEveryLevel_includingPlainObservations() throws Exception {
    long day = T0 + 86_400_000L; // 2 hours of 1 Hz data across a window boundary
    long from = day - 3_600_000L;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 7200; i++) {
      lines.add(line(p1, device1, from + i * 1000L, 50 + (i * 7) % 90));
    }
    assertThat(ingest(ehrToken(), lines).statusCode()).isEqualTo(200);
    Observation plain = new Observation();
    plain.setStatus(Observation.ObservationStatus.FINAL);
    plain.getCode().addCoding().setSystem("http://loinc.org").setCode(HR);
    plain.setSubject(new Reference("Patient/" + p1));
    plain.setEffective(new org.hl7.fhir.r4.model.DateTimeType(at(from + 7_200_000L)));
    plain.setValue(new Quantity(77).setUnit("/min"));
    client().create().resource(plain).execute();

    String range = "&start=" + at(from) + "&end=" + at(from + 7_201_000L);
    JsonNode raw = series(drB, "patient=Patient/" + p1 + "&code=" + HR + range);
    String[] points = sampled(raw, "points").split(" ");
    assertThat(points).hasSize(7201);
    for (int i = 0; i < 7200; i++) {
      assertThat(points[i]).isEqualTo(Integer.toString(50 + (i * 7) % 90));
    }
    assertThat(points[7200]).as("the plain Observation").isEqualTo("77");

    for (long bucket : new long[] {1000, 60_000, 3_600_000}) {
      JsonNode stats =
          series(drB, "patient=Patient/" + p1 + "&code=" + HR + range + "&bucket=" + bucket);
      String[] count = sampled(stats, "count").split(" ");
      String[] min = sampled(stats, "min").split(" ");
      String[] max = sampled(stats, "max").split(" ");
      String[] mean = sampled(stats, "mean").split(" ");
      int per = (int) (bucket / 1000);
      for (int b = 0; b < 7200 / per; b++) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double sum = 0;
        for (int i = b * per; i < (b + 1) * per; i++) {
          double v = 50 + (i * 7) % 90;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          sum += v;
        }
        assertThat(count[b]).as("bucket %d of %d ms", b, bucket).isEqualTo(Integer.toString(per));
        assertThat(Double.parseDouble(min[b])).isEqualTo(lo);
        assertThat(Double.parseDouble(max[b])).isEqualTo(hi);
        assertThat(Double.parseDouble(mean[b])).isCloseTo(sum / per, within());
      }
    }
  }

  /**
   * A window labelled restricted (a substance-use code) is stored with its values encrypted; the
   * next batch still merges into it, and {@code $series} still reads it.
   */
  @Test
  void aRestrictedWindow_isStoredEncrypted_andStillMergesAndReadsBack() throws Exception {
    String code = "72109-2"; // in the bundled substance-use (ETH) value set
    long hour = T0 + 5 * 3_600_000L;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(line(p2, device2, hour + i * 1000L, 300 + i).replace(HR, code));
    }
    assertThat(ingest(ehrToken(), lines.subList(0, 10)).statusCode()).isEqualTo(200);
    HttpResponse<String> more = ingest(ehrToken(), lines.subList(10, 20));
    assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
    assertThat(storedVersionsContaining("300 301 302")).as("values stored encrypted").isZero();

    JsonNode raw =
        series(
            ehrToken(),
            "patient=Patient/"
                + p2
                + "&code="
                + code
                + "&start="
                + at(hour)
                + "&end="
                + at(hour + 20_000));
    String[] points = sampled(raw, "points").split(" ");
    assertThat(points).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(points[i]).isEqualTo(Integer.toString(300 + i));
    }
  }

  @Test
  void series_forADeniedOrganization_answersAsForAPatientWithoutData() throws Exception {
    List<String> lines = new ArrayList<>();
    long hour = T0 + 5 * 3_600_000L;
    for (int i = 0; i < 120; i++) {
      lines.add(line(p1, device1, hour + i * 1000L, 70));
    }
    assertThat(ingest(ehrToken(), lines).statusCode()).isEqualTo(200);
    String range = "&code=" + HR + "&start=" + at(hour) + "&end=" + at(hour + 3_600_000L);
    for (String bucket : List.of("", "&bucket=PT1M")) {
      HttpResponse<String> denied =
          sendAs(
              drA,
              "GET",
              "/Observation/$series?patient=Patient/" + p1 + range + bucket,
              null,
              null);
      HttpResponse<String> empty =
          sendAs(
              drA,
              "GET",
              "/Observation/$series?patient=Patient/" + p2 + range + bucket,
              null,
              null);
      HttpResponse<String> allowed =
          sendAs(
              drB,
              "GET",
              "/Observation/$series?patient=Patient/" + p1 + range + bucket,
              null,
              null);
      assertThat(denied.statusCode()).isEqualTo(200);
      assertThat(denied.body()).isEqualTo(empty.body());
      assertThat(allowed.body()).isNotEqualTo(empty.body()).contains("70");
    }
    JsonNode own = series(p1Token, "patient=Patient/" + p1 + range + "&bucket=PT1H");
    assertThat(sampled(own, "count")).as("the patient sees her own").isEqualTo("120");
  }

  @Test
  void badInput_isRefusedByLine_andNothingOfTheBatchIsWritten() throws Exception {
    long hour = T0 + 9 * 3_600_000L;
    String good = line(p1, device1, hour, 70);
    String other = line(p1, device1, hour + 3_600_000L, 70);
    List<List<String>> batches =
        List.of(
            List.of(good, other, line("no-such-" + s, device1, hour, 70)),
            List.of(good, other, line(p1, device2, hour, 70)),
            List.of(good, other, good.replace("\"value\":70", "\"value\":\"high\"")),
            List.of(good, other, good.replace(HR, "heart")),
            List.of(good, other, good.replace("Z\"", "\"")));
    for (List<String> batch : batches) {
      HttpResponse<String> refused = ingest(ehrToken(), batch);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("OperationOutcome").contains("line 3");
    }
    HttpResponse<String> notHers = ingest(p1Token, List.of(good, line(p2, device2, hour, 70)));
    assertThat(notHers.statusCode()).isEqualTo(403);
    assertThat(notHers.body()).contains("line 2");
    assertThat(ingest(drB, List.of(good)).statusCode())
        .as("not offered to practitioners")
        .isEqualTo(403);
    assertThat(
            sendAs(
                    ehrToken(),
                    "POST",
                    "/Observation/$ingest-measurements",
                    "application/json",
                    good)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            ids(
                ehrToken(),
                "/Observation?patient="
                    + p1
                    + "&date=ge"
                    + at(hour)
                    + "&date=lt"
                    + at(hour + 7_200_000L)))
        .as("nothing of the refused batches")
        .isEmpty();
    assertThat(ingest(p1Token, List.of(good, other)).statusCode()).as("her own").isEqualTo(200);
    assertThat(
            ids(
                ehrToken(),
                "/Observation?patient="
                    + p1
                    + "&date=ge"
                    + at(hour)
                    + "&date=lt"
                    + at(hour + 7_200_000L)))
        .hasSize(2);
    assertThat(
            sendAs(
                    drB,
                    "GET",
                    "/Observation/$series?patient=Patient/" + p1 + "&code=" + HR + "&start=x&end=y",
                    null,
                    null)
                .statusCode())
        .isEqualTo(400);
  }

  // ---- helpers

  private String practitioner(String username, String organization) {
    return userToken(
        username,
        TestKeycloak.users().addPractitioner(username, "Practitioner/" + username, organization),
        null);
  }

  private String device(String patient, String serial) {
    Device device = new Device();
    device.setPatient(new Reference("Patient/" + patient));
    device.setSerialNumber(serial);
    device.addIdentifier().setSystem("urn:consentry:test:serial").setValue(serial);
    device.addDeviceName().setName("Wrist-" + s).setType(Device.DeviceNameType.MODELNAME);
    return client().create().resource(device).execute().getId().getIdPart();
  }

  private static String line(String patient, String device, long time, double value) {
    return "{\"patient\":\"Patient/%s\",\"device\":\"Device/%s\",\"code\":\"%s\",\"unit\":\"/min\",\"time\":\"%s\",\"value\":%s}"
        .formatted(
            patient,
            device,
            HR,
            at(time),
            value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value));
  }

  private HttpResponse<String> ingest(String token, List<String> lines) {
    return sendAs(
        token,
        "POST",
        "/Observation/$ingest-measurements",
        "application/x-ndjson",
        String.join("\n", lines) + "\n");
  }

  private JsonNode series(String token, String query) throws Exception {
    // with Cache-Control: no-cache, under which HAPI runs the search asynchronously
    HttpResponse<String> response =
        sendWith(
            token,
            "GET",
            "/Observation/$series?" + query,
            null,
            null,
            java.util.Map.of("Cache-Control", "no-cache"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static String sampled(JsonNode parameters, String name) {
    for (JsonNode parameter : parameters.path("parameter")) {
      if (name.equals(parameter.path("name").asText())) {
        return parameter.path("valueSampledData").path("data").asText();
      }
    }
    throw new AssertionError("no " + name + " in " + parameters);
  }

  private String windowId(long hour) throws Exception {
    List<String> found =
        ids(
            ehrToken(),
            "/Observation?patient="
                + p1
                + "&code="
                + HR
                + "&date=ge"
                + at(hour)
                + "&date=lt"
                + at(hour + 3_600_000L));
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private String version(String id) {
    return client()
        .read()
        .resource(Observation.class)
        .withId(id)
        .execute()
        .getMeta()
        .getVersionId();
  }

  private List<String> ids(String token, String query) throws Exception {
    // not from HAPI's search cache: the same search may have run before the last ingest
    HttpResponse<String> response =
        sendWith(token, "GET", query, null, null, java.util.Map.of("Cache-Control", "no-cache"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(response.body()).path("entry")) {
      ids.add(entry.path("resource").path("id").asText());
    }
    return ids;
  }

  private static String at(long timeMs) {
    return Instant.ofEpochMilli(timeMs).toString();
  }

  private static long storedVersionsContaining(String text) throws Exception {
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        PreparedStatement select =
            db.prepareStatement("SELECT count(*) FROM hfj_res_ver WHERE res_text_vc LIKE ?")) {
      select.setString(1, "%" + text + "%");
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private long auditCount(String patient, String kind) throws Exception {
    sendAs(auditorToken(), "GET", "/$audit-verify", null, null);
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        PreparedStatement select =
            db.prepareStatement(
                "SELECT count(*) FROM consentry_audit_record WHERE ? = ANY(patients) AND kind = ?")) {
      select.setString(1, patient);
      select.setString(2, kind);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
