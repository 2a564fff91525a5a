package org.consentry.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.consentry.cli.imports.ImportListener;
import org.consentry.cli.imports.ImportOptions;
import org.consentry.cli.imports.ImportResult;
import org.consentry.cli.imports.Importer;
import org.consentry.cli.imports.ServerUnavailableException;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.consentry.server.TestKeycloak;
import org.consentry.server.consent.ConsentJson;
import org.consentry.server.subscription.BoundSocket;
import org.consentry.server.subscription.Receiver;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Two nodes on one database: this test run's server (node A) and a second server process (node B,
 * {@link OtherNode}). A change made through one node (a Consent, an erasure, a data-key rotation,
 * an uploaded sensitivity value set) takes effect at the other node's very next request, even where
 * that node had just cached what the change replaces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT extends ServerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String ENCRYPTED = "http://consentry.org/fhir/StructureDefinition/encrypted";

  @Autowired private Environment environment;

  private OtherNode nodeB;

  @BeforeAll
  void startNodeB() throws Exception {
    nodeB =
        OtherNode.start(
            Map.of(
                "consentry.db.url", TestDatabase.jdbcUrl(),
                "consentry.db.username", "postgres",
                "consentry.db.password", "",
                "consentry.crypto.keystore", environment.getProperty("consentry.crypto.keystore"),
                "consentry.crypto.passphrase-file",
                    environment.getProperty("consentry.crypto.passphrase-file"),
                "consentry.security.issuer", TestKeycloak.issuer(),
                "consentry.security.clock-skew", "5s",
                // jobs run slowly here, so one is still running when this node is killed
                "consentry.jobs.chunk-pause", "1s",
                "consentry.jobs.lease-renewal", "2s",
                "consentry.jobs.lease-expiry", "15s"));
  }

  @AfterAll
  void stopNodeB() throws Exception {
    if (nodeB != null) {
      nodeB.close();
    }
  }

  @Test
  void consent_givenOnOneNode_appliesToTheOthersNextRequest_bothWays() throws Exception {
    String s = suffix();
    String org = "Organization/mn-org-" + s;
    client()
        .update()
        .resource(new org.hl7.fhir.r4.model.Organization().setName(org).setId(org))
        .execute();
    String dr = "Practitioner/mn-dr-" + s;
    client()
        .update()
        .resource(new org.hl7.fhir.r4.model.Practitioner().setActive(true).setId(dr))
        .execute();
    String patient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Observation obs = new Observation();
    obs.setStatus(Observation.ObservationStatus.FINAL);
    obs.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    obs.setSubject(new Reference("Patient/" + patient));
    String obsId = client().create().resource(obs).execute().getId().getIdPart();
    String drToken =
        userToken("mn-dr-" + s, TestKeycloak.users().addPractitioner("mn-dr-" + s, dr, org), null);
    String patientPassword = TestKeycloak.users().addPatient("mn-p-" + s, "Patient/" + patient);
    String patientToken = userToken("mn-p-" + s, patientPassword, "patient/*.cruds");

    // node B has the patient's (absent) Consents cached
    assertThat(status(drToken, nodeB.base() + "/Observation/" + obsId)).isEqualTo(200);
    var created =
        sendAs(
            patientToken,
            "POST",
            "/Consent",
            "application/fhir+json",
            ConsentJson.denyActor(patient, org));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String consent = "Consent/" + JSON.readTree(created.body()).get("id").asText();

    assertThat(status(drToken, nodeB.base() + "/Observation/" + obsId))
        .as("node B's very next request after the Consent stored through node A")
        .isEqualTo(404);
    assertThat(status(drToken, base() + "/Observation/" + obsId)).isEqualTo(404);

    // revoked through node B: node A's next request sees it
    assertThat(
            sendAs(patientToken, "DELETE", nodeB.base() + "/" + consent, null, null).statusCode())
        .isIn(200, 204);
    assertThat(status(drToken, base() + "/Observation/" + obsId)).isEqualTo(200);
  }

  @Test
  void erasure_throughOneNode_masksTheOthersNextRead_althoughItHadTheKeyCached() throws Exception {
    String family = "Erasure" + suffix();
    String id = createPatient(family);
    // node B decrypts the name: the patient's data key is in its cache now
    assertThat(sendAs(ehrToken(), "GET", nodeB.base() + "/Patient/" + id, null, null).body())
        .contains(family);

    var erased = send("POST", "/Patient/" + id + "/$erase", null, null);
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);

    String afterErasure =
        sendAs(ehrToken(), "GET", nodeB.base() + "/Patient/" + id, null, null).body();
    assertThat(afterErasure).doesNotContain(family).contains("masked");
  }

  @Test
  void dataKeyRotation_throughOneNode_isUsedByTheOthersNextWrite() throws Exception {
    String family = "Rotation" + suffix();
    String id = createPatient(family);
    // node B writes for the patient: it caches the data key's current version (1)
    assertThat(updatePatient(nodeB.base(), id, family + "b").statusCode()).isEqualTo(200);
    assertThat(storedKeyVersions(id)).containsOnly(1);

    String rotate =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"patient\",\"valueString\":\""
            + id
            + "\"}]}";
    JsonNode job = JSON.readTree(postJson("/$rotate-data-keys", rotate).body());
    String jobId = parameter(job, "job");
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Set.of("completed", "failed").contains(parameter(job, "status"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      job = JSON.readTree(get("/$rotate-data-keys-status?job=" + jobId).body());
    }
    assertThat(parameter(job, "status")).as(job.toString()).isEqualTo("completed");

    assertThat(updatePatient(nodeB.base(), id, family + "c").statusCode()).isEqualTo(200);
    assertThat(storedKeyVersions(id))
        .as("node B's write after the rotation through node A uses the new key version")
        .containsOnly(2);
    assertThat(sendAs(ehrToken(), "GET", nodeB.base() + "/Patient/" + id, null, null).body())
        .contains(family + "c");
  }

  @Test
  void sensitivityValueSet_uploadedThroughOneNode_labelsTheOthersNextWrite() throws Exception {
    String system = "http://example.org/local-codes";
    String code = "multi-node-" + UUID.randomUUID();
    // node B labels a write first, so its labeler is built and in use
    assertThat(labels(createCondition(nodeB.base(), system, "other-" + code)))
        .doesNotContain(ACT_CODE + "|ETH");

    ValueSet upload = new ValueSet();
    upload.setUrl("http://example.org/ValueSet/multi-node-" + UUID.randomUUID());
    upload.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    upload.addExtension(
        Terminology.SENSITIVITY_CATEGORY_EXTENSION, new Coding(ACT_CODE, "ETH", null));
    upload.getCompose().addInclude().setSystem(system).addConcept().setCode(code);
    client().create().resource(upload).execute();

    assertThat(labels(createCondition(nodeB.base(), system, code)))
        .as("node B's next write after the upload through node A")
        .contains(ACT_CODE + "|ETH");
  }

  /**
   * Either node may match a stored change (the first to take it from the shared table), so each
   * must know a Subscription made through the other at once: changes written through both nodes
   * right after the Subscription was made through node A are each delivered once (before, those
   * matched on node B were lost until its registry reloaded, about a minute later).
   */
  @Test
  void subscription_madeThroughOneNode_receivesTheChangesMatchedOnEither() throws Exception {
    String patient = createPatient("Subscribed");
    try (Receiver receiver = new Receiver(0)) {
      subscribe(
          "Observation?patient=Patient/" + patient,
          "{\"type\":\"rest-hook\",\"endpoint\":\""
              + receiver.endpoint()
              + "\",\"payload\":\"application/fhir+json\"}");

      List<String> written = writeObservationsThroughBothNodes(patient, 10);

      for (String observation : written) {
        assertThat(receiver.await(h -> h.path().endsWith("/Observation/" + observation), 20_000))
            .as("the notification of Observation/" + observation)
            .isNotNull();
      }
      Thread.sleep(1_000); // a second delivery of any of them would come by now
      assertThat(receiver.hits()).hasSize(written.size());
    }
  }

  /**
   * A websocket gets the pings of the changes matched on any node: with a connection bound on each
   * node and changes written through both (each usually matched by the node it was written
   * through), each connection gets one ping per change (before, a connection got only those matched
   * on its own node).
   */
  @Test
  void websocket_boundOnEitherNode_getsOnePingPerChange_whereverItWasMatched() throws Exception {
    String patient = createPatient("Pinged");
    String subscription =
        subscribe("Observation?patient=Patient/" + patient, "{\"type\":\"websocket\"}");
    try (BoundSocket onA =
            BoundSocket.bind(
                java.net.URI.create("ws://127.0.0.1:" + port + "/websocket"),
                ehrToken(),
                subscription);
        BoundSocket onB = BoundSocket.bind(nodeB.socket(), ehrToken(), subscription)) {
      int changes = writeObservationsThroughBothNodes(patient, 10).size();

      assertThat(onB.await(changes, 30_000)).as("on node B").isEqualTo(onB.pings(changes));
      assertThat(onA.await(changes, 30_000)).as("on node A").isEqualTo(onA.pings(changes));
      Thread.sleep(1_000); // a second ping of any of them would come by now
      assertThat(onB.received()).as("one ping per change on node B").hasSize(changes);
      assertThat(onA.received()).as("one ping per change on node A").hasSize(changes);
    }
  }

  /** Makes a Subscription through node A, as the EHR system, and waits until it is active. */
  private String subscribe(String criteria, String channel) throws Exception {
    String subscription =
        "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"nodes\","
            + "\"criteria\":\""
            + criteria
            + "\",\"channel\":"
            + channel
            + "}";
    java.net.http.HttpResponse<String> made =
        sendAs(ehrToken(), "POST", "/Subscription", "application/fhir+json", subscription);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    String id = JSON.readTree(made.body()).path("id").asText();
    long until = System.currentTimeMillis() + 30_000;
    while (!"active"
            .equals(
                JSON.readTree(sendAs(ehrToken(), "GET", "/Subscription/" + id, null, null).body())
                    .path("status")
                    .asText())
        && System.currentTimeMillis() < until) {
      Thread.sleep(100);
    }
    return id;
  }

  /** Observations of the patient written through node A and node B in turn; their ids. */
  private List<String> writeObservationsThroughBothNodes(String patient, int count)
      throws IOException {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String node = i % 2 == 0 ? base() : nodeB.base();
      Observation observation = new Observation();
      observation.setStatus(Observation.ObservationStatus.FINAL);
      observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
      observation.setSubject(new Reference("Patient/" + patient));
      java.net.http.HttpResponse<String> stored =
          sendAs(
              ehrToken(),
              "POST",
              node + "/Observation",
              "application/fhir+json",
              FHIR.newJsonParser().encodeResourceToString(observation));
      assertThat(stored.statusCode()).isEqualTo(201);
      written.add(JSON.readTree(stored.body()).path("id").asText());
    }
    return written;
  }

  /**
   * Each node has its own index of code system concepts: node B's next hierarchical expansion of a
   * code system stored through node A finds its concepts (before, node B's index never had them and
   * the expansion was empty).
   */
  @Test
  void codeSystem_storedThroughOneNode_expandsOnTheOthersNextRequest() throws Exception {
    String system = "http://example.org/CodeSystem/multi-node-" + UUID.randomUUID();
    org.hl7.fhir.r4.model.CodeSystem tree = new org.hl7.fhir.r4.model.CodeSystem();
    tree.setUrl(system)
        .setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE)
        .setContent(org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode.COMPLETE)
        .setHierarchyMeaning(org.hl7.fhir.r4.model.CodeSystem.CodeSystemHierarchyMeaning.ISA);
    var root = tree.addConcept().setCode("root");
    root.addConcept().setCode("a").addConcept().setCode("a1");
    root.addConcept().setCode("b");
    client().create().resource(tree).execute();

    String expand =
        """
        {"resourceType":"Parameters","parameter":[{"name":"valueSet","resource":
         {"resourceType":"ValueSet","status":"active","compose":{"include":[{"system":"%s",
          "filter":[{"property":"concept","op":"descendent-of","value":"root"}]}]}}}]}"""
            .formatted(system);
    for (String node : List.of(nodeB.base(), base())) {
      var answer =
          sendAs(ehrToken(), "POST", node + "/ValueSet/$expand", "application/fhir+json", expand);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      List<String> codes = new ArrayList<>();
      JSON.readTree(answer.body())
          .path("expansion")
          .path("contains")
          .forEach(c -> codes.add(c.path("code").asText()));
      assertThat(codes).as("expanded on " + node).containsExactlyInAnyOrder("a", "a1", "b");
    }
  }

  /**
   * Last: node B is killed. An import through it stops midway; what it stored is whole transactions
   * only, and the same import re-run through node A completes without duplicates.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void importThroughAKilledNode_keepsWholeTransactions_andARerunCompletesWithoutDuplicates(
      @TempDir Path dir) throws Exception {
    String run = "kill-" + suffix();
    int observations = 2_000;
    int batch = 100;
    writeImport(dir, run, observations);
    var relabel =
        sendAs(ehrToken(), "POST", nodeB.base() + "/$relabel", "application/fhir+json", PARAMETERS);
    assertThat(relabel.statusCode()).as(relabel.body()).isEqualTo(200);
    String relabelJob = parameter(JSON.readTree(relabel.body()), "job");
    JsonNode throughA = JSON.readTree(get("/$relabel-status?job=" + relabelJob).body());
    assertThat(parameter(throughA, "job"))
        .as("node A reads the job node B started")
        .isEqualTo(relabelJob);
    var export =
        sendWith(
            ehrToken(),
            "GET",
            nodeB.base() + "/$export?_type=Patient,Observation",
            null,
            null,
            Map.of("Accept", "application/fhir+json", "Prefer", "respond-async"));
    assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
    String exportPoll =
        export.headers().firstValue("Content-Location").orElseThrow().replace(nodeB.base(), base());

    AtomicBoolean killed = new AtomicBoolean();
    ImportListener killAfterSomeBatches =
        new ImportListener() {
          @Override
          public void progress(long done, long total) {
            // as early as possible, while the relabel and the export started above run
            if (done >= batch && killed.compareAndSet(false, true)) {
              try {
                nodeB.kill();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    Importer throughKilledNode =
        new Importer(
            java.net.URI.create(nodeB.base()),
            ImportOptions.defaults()
                .withBearerToken(ehrToken())
                .withBatchSize(batch)
                .withParallel(1)
                .withListener(killAfterSomeBatches));
    assertThatThrownBy(() -> throughKilledNode.run(List.of(dir)))
        .as("the import stops when its node dies")
        .isInstanceOf(ServerUnavailableException.class);
    assertThat(killed).as("node B was killed during the import").isTrue();
    // whether the relabel was still running at the kill depends on how much data the database
    // holds (ChunkLeasesIT proves a dead node's chunks go back to work, whatever their state)
    long storedAfterKill = taggedObservations(run);
    assertThat(storedAfterKill)
        .as("only whole transactions of %d were stored", batch)
        .isPositive()
        .isLessThan(observations);
    assertThat(storedAfterKill % batch).isZero();

    ImportResult rerun =
        new Importer(
                java.net.URI.create(base()),
                ImportOptions.defaults().withBearerToken(ehrToken()).withBatchSize(batch))
            .run(List.of(dir));
    assertThat(rerun.failures()).isEmpty();
    assertThat(taggedObservations(run)).as("no duplicates").isEqualTo(observations);

    long deadline = System.currentTimeMillis() + 300_000;
    JsonNode status = JSON.readTree(get("/$relabel-status?job=" + relabelJob).body());
    while (!Set.of("completed", "failed").contains(parameter(status, "status"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      status = JSON.readTree(get("/$relabel-status?job=" + relabelJob).body());
    }
    assertThat(parameter(status, "status"))
        .as("the relabel started on the killed node completes on node A: %s", status)
        .isEqualTo("completed");
    var polled = get(exportPoll);
    while (polled.statusCode() == 202 && System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      polled = get(exportPoll);
    }
    assertThat(polled.statusCode())
        .as("the export started on the killed node completes on node A: %s", polled.body())
        .isEqualTo(200);
    assertThat(JSON.readTree(polled.body()).path("output").size()).isPositive();
  }

  private static final String PARAMETERS = "{\"resourceType\":\"Parameters\"}";

  private static void writeImport(Path dir, String run, int observations) throws IOException {
    String patient = "Patient/" + run;
    Files.writeString(
        dir.resolve("Patient.ndjson"),
        "{\"resourceType\":\"Patient\",\"id\":\"" + run + "\",\"active\":true}\n");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < observations; i++) {
      lines
          .append("{\"resourceType\":\"Observation\",\"id\":\"")
          .append(run)
          .append('-')
          .append(i)
          .append("\",\"meta\":{\"tag\":[{\"system\":\"urn:consentry:test\",\"code\":\"")
          .append(run)
          .append("\"}]},\"status\":\"final\",")
          .append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},")
          .append("\"subject\":{\"reference\":\"")
          .append(patient)
          .append("\"},\"valueQuantity\":{\"value\":")
          .append(60 + i % 40)
          .append(",\"unit\":\"/min\"}}\n");
    }
    Files.writeString(dir.resolve("Observation.ndjson"), lines);
  }

  private long taggedObservations(String run) throws IOException {
    // not HAPI's cached answer of the same search a moment ago
    var counted =
        sendWith(
            ehrToken(),
            "GET",
            "/Observation?_tag=urn:consentry:test%7C" + run + "&_summary=count",
            null,
            null,
            Map.of("Cache-Control", "no-cache"));
    assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
    return JSON.readTree(counted.body()).path("total").asLong();
  }

  // --- helpers

  private int status(String token, String url) {
    return sendAs(token, "GET", url, null, null).statusCode();
  }

  private String createPatient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven("Multi");
    return client().create().resource(patient).execute().getId().getIdPart();
  }

  private java.net.http.HttpResponse<String> updatePatient(
      String nodeBase, String id, String family) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addName().setFamily(family).addGiven("Multi");
    return sendAs(
        ehrToken(),
        "PUT",
        nodeBase + "/Patient/" + id,
        "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(patient));
  }

  private Condition createCondition(String nodeBase, String system, String code)
      throws IOException {
    String patient =
        client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/" + patient));
    condition.getCode().addCoding(new Coding(system, code, null));
    var created =
        sendWith(
            ehrToken(),
            "POST",
            nodeBase + "/Condition",
            "application/fhir+json",
            FHIR.newJsonParser().encodeResourceToString(condition),
            Map.of("Prefer", "return=representation"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return FHIR.newJsonParser().parseResource(Condition.class, created.body());
  }

  private static List<String> labels(Condition condition) {
    return condition.getMeta().getSecurity().stream()
        .map(c -> c.getSystem() + "|" + c.getCode())
        .toList();
  }

  private static String parameter(JsonNode parameters, String name) {
    for (JsonNode p : parameters.path("parameter")) {
      if (name.equals(p.path("name").asText())) {
        for (String field : List.of("valueString", "valueCode", "valueInteger", "valueId")) {
          if (p.has(field)) {
            return p.get(field).asText();
          }
        }
      }
    }
    return "";
  }

  /**
   * The data-key versions of the ciphertexts in the stored current version of a Patient, read
   * straight from the database (the ciphertext header: format, key-id length, key id, version).
   */
  private static List<Integer> storedKeyVersions(String id) throws Exception {
    String stored;
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        PreparedStatement query =
            db.prepareStatement(
                "SELECT v.res_text_vc, v.res_text FROM hfj_res_ver v JOIN hfj_resource r ON r.res_id = v.res_id"
                    + " WHERE r.res_type = 'Patient' AND r.fhir_id = ? ORDER BY v.res_ver DESC LIMIT 1")) {
      query.setString(1, id);
      try (ResultSet rs = query.executeQuery()) {
        assertThat(rs.next()).isTrue();
        stored = rs.getString(1);
        if (stored == null) {
          byte[] gzipped = rs.getBytes(2);
          try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      }
    }
    List<Integer> versions = new ArrayList<>();
    collectVersions(JSON.readTree(stored), versions);
    assertThat(versions).as("the stored Patient holds ciphertexts").isNotEmpty();
    return versions;
  }

  private static void collectVersions(JsonNode node, List<Integer> versions) {
    if (node.isObject() && ENCRYPTED.equals(node.path("url").asText())) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getKey().startsWith("value") && field.getValue().isTextual()) {
                  byte[] ciphertext = Base64.getUrlDecoder().decode(field.getValue().asText());
                  int idLength = ciphertext[1] & 0xff;
                  versions.add(ByteBuffer.wrap(ciphertext, 2 + idLength, 4).getInt());
                }
              });
    }
    node.elements().forEachRemaining(child -> collectVersions(child, versions));
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
