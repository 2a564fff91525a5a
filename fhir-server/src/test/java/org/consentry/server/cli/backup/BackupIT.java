package org.consentry.server.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.consentry.cli.backup.HomeBackup;
import org.consentry.cli.backup.HomeRestore;
import org.consentry.cli.backup.Manifest;
import org.consentry.cli.backup.OnlineCopy;
import org.consentry.server.ServerIT;
import org.consentry.server.TestDatabase;
import org.consentry.server.crypto.StoredDecryption;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;

/**
 * The backup round trip on the server's own database: an online backup taken while the API keeps
 * writing, restored into a new folder and started as a PostgreSQL of its own, holds every resource
 * version stored before the backup, byte for byte, only versions the live database also holds, and
 * its encrypted fields decrypt, with the backed-up keystore and the restored data keys, to what the
 * API returned before.
 */
class BackupIT extends ServerIT {

  private static final String PASSPHRASE = "test-keystore-passphrase";

  @TempDir Path tmp;
  @Autowired ApplicationContext context;

  @Value("${consentry.crypto.keystore}")
  Path keystore;

  @Test
  void everyResourceAndEveryEncryptedFieldReadsBackFromARestoredOnlineBackup() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Patient> patients = new ArrayList<>();
    List<Observation> observations = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Patient created =
          create(patientJson("Backup" + run + i, "bk-" + run + "-" + i), Patient.class);
      patients.add(read(Patient.class, created.getIdPart()));
      Observation note =
          create(
              "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"note\"},"
                  + "\"subject\":{\"reference\":\"Patient/"
                  + created.getIdPart()
                  + "\"},\"valueString\":\"backup note "
                  + run
                  + i
                  + "\"}",
              Observation.class);
      observations.add(read(Observation.class, note.getIdPart()));
    }

    // writes go on through the API while the backup runs
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                int n = written.get();
                create(patientJson("During" + run + n, "during-" + run + "-" + n), Patient.class);
                written.incrementAndGet();
              }
            });
    writer.start();
    while (written.get() < 3) {
      Thread.sleep(20);
    }
    Path backup = tmp.resolve("backup");
    Map<String, String> before;
    int writtenBefore;
    int writtenAfter;
    try (Connection live = live()) {
      before = versions(live);
      writtenBefore = written.get();
      Path dataDir = Path.of(single(live, "SHOW data_directory"));
      HomeBackup.backup(live, dataDir, keystore, backup, "test", Clock.systemUTC());
      writtenAfter = written.get();
    } finally {
      writing.set(false);
      writer.join();
    }
    assertThat(writtenAfter).as("writes went on during the backup").isGreaterThan(writtenBefore);

    Path home = tmp.resolve("home");
    Path dataDir = home.resolve("pgdata");
    Path restoredKeystore = home.resolve("keys/master.bcfks");
    HomeRestore.requireEmpty(dataDir, restoredKeystore);
    Manifest manifest = HomeRestore.verify(backup);
    HomeRestore.place(backup, dataDir, restoredKeystore);
    assertThat(HomeRestore.replay(dataDir).schema()).isEqualTo(manifest.database().schema());

    try (EmbeddedPostgres restoredPg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                .start();
        Connection restored = restoredPg.getPostgresDatabase().getConnection();
        Connection live = live()) {
      Map<String, String> after = versions(restored);
      Map<String, String> liveNow = versions(live);
      assertThat(after).as("every version stored before the backup").containsAllEntriesOf(before);
      Map<String, String> sameInLive = new TreeMap<>(liveNow);
      sameInLive.keySet().retainAll(after.keySet());
      assertThat(after)
          .as("each restored version as the live database holds it")
          .isEqualTo(sameInLive);
      assertThat(perType(after)).isEqualTo(perType(sameInLive));

      StoredDecryption decryption =
          new StoredDecryption(
              context,
              restoredPg.getPostgresDatabase(),
              restoredKeystore,
              PASSPHRASE.toCharArray());
      for (Patient expected : patients) {
        String stored = storedText(restored, "Patient", expected.getIdPart());
        String family = expected.getNameFirstRep().getFamily();
        assertThat(stored).as("encrypted at rest").doesNotContain(family);
        Patient back = FHIR.newJsonParser().parseResource(Patient.class, stored);
        // HAPI stores the text without the id, which names the patient's data key
        back.setId(expected.getIdElement().toUnqualifiedVersionless());
        assertThat(decryption.decrypt(back)).isPositive();
        assertThat(back.getNameFirstRep().getFamily()).isEqualTo(family);
        assertThat(back.getNameFirstRep().getGivenAsSingleString())
            .isEqualTo(expected.getNameFirstRep().getGivenAsSingleString());
        assertThat(back.getTelecomFirstRep().getValue())
            .isEqualTo(expected.getTelecomFirstRep().getValue());
        assertThat(identifier(back)).isEqualTo(identifier(expected)).isNotNull();
      }
      for (Observation expected : observations) {
        String stored = storedText(restored, "Observation", expected.getIdPart());
        assertThat(stored).doesNotContain(expected.getValueStringType().getValue());
        Observation back = FHIR.newJsonParser().parseResource(Observation.class, stored);
        back.setId(expected.getIdElement().toUnqualifiedVersionless());
        decryption.decrypt(back);
        assertThat(back.getValueStringType().getValue())
            .isEqualTo(expected.getValueStringType().getValue());
      }
    }
  }

  private static String patientJson(String family, String mrn) {
    return "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
        + family
        + "\",\"given\":[\"Rowan\"]}],\"identifier\":[{\"system\":\"urn:backup-test\",\"value\":\""
        + mrn
        + "\"}],\"telecom\":[{\"system\":\"phone\",\"value\":\"555-"
        + mrn
        + "\"}],\"birthDate\":\"1970-01-01\"}";
  }

  private <T extends Resource> T create(String json, Class<T> type) {
    HttpResponse<String> response = postJson("/" + type.getSimpleName(), json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return FHIR.newJsonParser().parseResource(type, response.body());
  }

  private <T extends Resource> T read(Class<T> type, String id) {
    HttpResponse<String> response = get("/" + type.getSimpleName() + "/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(type, response.body());
  }

  private static String identifier(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> "urn:backup-test".equals(i.getSystem()))
        .map(i -> i.getValue())
        .findFirst()
        .orElse(null);
  }

  private static Connection live() throws SQLException {
    return DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
  }

  /** "res_id/version" to "type md5(stored text)", for every stored resource version. */
  private static Map<String, String> versions(Connection db) throws SQLException {
    Map<String, String> versions = new TreeMap<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                // res_text is a large object's oid: its content counts, not the number
                "SELECT res_id, res_ver, res_type, md5(coalesce(res_text_vc, '')"
                    + " || coalesce(encode(lo_get(res_text), 'hex'), '')) FROM hfj_res_ver")) {
      while (rs.next()) {
        versions.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getString(3) + " " + rs.getString(4));
      }
    }
    return versions;
  }

  /** Versions per resource type and one checksum over each type's stored texts. */
  private static Map<String, String> perType(Map<String, String> versions) {
    Map<String, List<String>> byType = new TreeMap<>();
    versions.forEach(
        (key, value) -> {
          String[] typeAndHash = value.split(" ");
          byType.computeIfAbsent(typeAndHash[0], t -> new ArrayList<>()).add(key + typeAndHash[1]);
        });
    Map<String, String> summary = new TreeMap<>();
    byType.forEach(
        (type, rows) ->
            summary.put(
                type,
                rows.size()
                    + " "
                    + OnlineCopy.sha256(String.join("\n", rows).getBytes(StandardCharsets.UTF_8))));
    return summary;
  }

  private static String storedText(Connection db, String type, String id) throws Exception {
    try (PreparedStatement query =
        db.prepareStatement(
            "SELECT v.res_text_vc, lo_get(v.res_text) FROM hfj_res_ver v JOIN hfj_resource r"
                + " ON r.res_id = v.res_id WHERE r.res_type = ? AND r.fhir_id = ?"
                + " ORDER BY v.res_ver DESC LIMIT 1")) {
      query.setString(1, type);
      query.setString(2, id);
      try (ResultSet rs = query.executeQuery()) {
        assertThat(rs.next()).as("%s/%s restored", type, id).isTrue();
        if (rs.getString(1) != null) {
          return rs.getString(1);
        }
        byte[] bytes = rs.getBytes(2);
        boolean gzip = bytes.length > 1 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
        return new String(
            gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes() : bytes,
            StandardCharsets.UTF_8);
      }
    }
  }

  private static String single(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
