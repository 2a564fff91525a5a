package org.consentry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Wearable series (issue 16): gateways' ingest and a chart's range query, every protection on.
 *
 * <ol>
 *   <li>Setup: {@code devices} Patients with one Device each (one transaction).
 *   <li>Ingest: {@code batches} rounds (the first {@code warmup-batches}, default 1, a warm-up: a
 *       fresh server's JIT needs a minute or so of load); in each, every device sends {@code
 *       minutes} of 1 Hz heart rate, {@code devices-per-request} devices a request (NDJSON to
 *       {@code Observation/$ingest-measurements}), {@code clients} requests at a time. Figure:
 *       measurements per second of wall time over the measured rounds, and request latency.
 *   <li>Storage: with {@code --jdbc}, the database's size before and after the ingest, per
 *       measurement stored (all versions of the windows included).
 *   <li>Range query: one more patient gets a day of 1 Hz data (86,400 points, one request an hour);
 *       {@code Observation/$series} for the day with {@code bucket=PT1M} (1,440 buckets) is asked
 *       {@code queries} times after 5 warm-ups, as {@code --reader-token} (default: the same
 *       token).
 * </ol>
 */
final class SeriesBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DAY0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private final FhirClient writer;
  private final FhirClient reader;
  private final String jdbc;
  private final int devices;
  private final int perRequest;
  private final int minutes;
  private final int batches;
  private final int warmups;
  private final int clients;
  private final int queries;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  SeriesBench(
      FhirClient writer,
      FhirClient reader,
      String jdbc,
      int devices,
      int perRequest,
      int minutes,
      int batches,
      int warmups,
      int clients,
      int queries) {
    this.writer = writer;
    this.reader = reader;
    this.jdbc = jdbc;
    this.devices = devices;
    this.perRequest = perRequest;
    this.minutes = minutes;
    this.batches = batches;
    this.warmups = warmups;
    if (warmups >= batches) {
      throw new BenchException("--warmup-batches must be less than --batches");
    }
    this.clients = clients;
    this.queries = queries;
  }

  Map<String, Object> run() {
    setup(devices + 1);
    long bytesBefore = databaseBytes();
    Histogram latency = new Histogram(600_000_000L, 3);
    long measured = 0;
    double seconds = 0;
    for (int batch = 0; batch < batches; batch++) {
      long started = System.nanoTime();
      int sent = ingestRound(batch, batch < warmups ? null : latency);
      double took = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "series: round %d%s: %,d measurements in %.1f s = %,.0f/s%n",
          batch,
          batch < warmups ? " (warm-up)" : "",
          sent,
          took,
          sent / took);
      if (batch >= warmups) {
        measured += sent;
        seconds += took;
      }
    }
    long stored = (long) devices * batches * minutes * 60;
    long bytesAfter = databaseBytes();
    String dayPatient = patientId(devices);
    for (int hour = 0; hour < 24; hour++) {
      StringBuilder body = new StringBuilder();
      for (int s = 0; s < 3600; s++) {
        long t = DAY0 + 86_400_000L + hour * 3_600_000L + s * 1000L;
        line(body, dayPatient, deviceId(devices), t, 60 + (hour * 3600 + s) % 60);
      }
      ingest(body);
    }
    String path =
        "Observation/$series?patient=Patient/"
            + dayPatient
            + "&code=8867-4&start="
            + Instant.ofEpochMilli(DAY0 + 86_400_000L)
            + "&end="
            + Instant.ofEpochMilli(DAY0 + 2 * 86_400_000L)
            + "&bucket=PT1M";
    Histogram range = new Histogram(60_000_000L, 3);
    for (int i = 0; i < queries + 5; i++) {
      long started = System.nanoTime();
      FhirClient.Answer answer = reader.get(path);
      long micros = (System.nanoTime() - started) / 1000;
      if (answer.status() != 200) {
        throw new BenchException(
            "$series answered " + answer.status() + ": " + answer.diagnostics());
      }
      if (i == 0 && !answer.body().contains("\"count\"")) {
        throw new BenchException("$series answered without counts: " + answer.diagnostics());
      }
      if (i >= 5) {
        range.recordValue(micros);
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    double rate = measured / seconds;
    figures.put("measurementsPerSecond", Math.round(rate));
    figures.put("measurements", measured);
    figures.put("seconds", Math.round(seconds * 10) / 10.0);
    figures.put("devices", devices);
    figures.put("devicesPerRequest", perRequest);
    figures.put("minutesPerRequest", minutes);
    figures.put("clients", clients);
    figures.put("ingestP50Ms", latency.getValueAtPercentile(50) / 1000.0);
    figures.put("ingestP99Ms", latency.getValueAtPercentile(99) / 1000.0);
    figures.put("rangeP50Ms", range.getValueAtPercentile(50) / 1000.0);
    figures.put("rangeP99Ms", range.getValueAtPercentile(99) / 1000.0);
    figures.put("rangeQueries", range.getTotalCount());
    Long perMeasurement = bytesBefore < 0 ? null : (bytesAfter - bytesBefore) / stored;
    figures.put("databaseBytesPerMeasurement", perMeasurement);
    figures.put(
        "summary",
        String.format(
            Locale.ROOT,
            "ingest %,d measurements/s (%d devices, %d a request, %d min of 1 Hz each, %d clients,"
                + " %d measured rounds), request p50 %.0f ms p99 %.0f ms; range query of 86,400"
                + " points by minute: p50 %.1f ms p99 %.1f ms (%d queries); database bytes per"
                + " measurement %s",
            Math.round(rate),
            devices,
            perRequest,
            minutes,
            clients,
            batches - warmups,
            latency.getValueAtPercentile(50) / 1000.0,
            latency.getValueAtPercentile(99) / 1000.0,
            range.getValueAtPercentile(50) / 1000.0,
            range.getValueAtPercentile(99) / 1000.0,
            range.getTotalCount(),
            perMeasurement == null ? "not measured (no --jdbc)" : perMeasurement.toString()));
    System.out.println("series: " + figures.get("summary"));
    return figures;
  }

  /** One round: every device's next {@code minutes}, in requests of {@code perRequest} devices. */
  private int ingestRound(int batch, Histogram latency) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    long from = DAY0 + (long) batch * minutes * 60_000L;
    List<Runnable> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          () -> {
            for (int first; (first = next.getAndAdd(perRequest)) < devices; ) {
              StringBuilder body = new StringBuilder();
              int lines = 0;
              for (int d = first; d < Math.min(devices, first + perRequest); d++) {
                for (int s = 0; s < minutes * 60; s++) {
                  line(body, patientId(d), deviceId(d), from + s * 1000L, 55 + (d + s) % 70);
                  lines++;
                }
              }
              long started = System.nanoTime();
              ingest(body);
              if (latency != null) {
                synchronized (latency) {
                  latency.recordValue((System.nanoTime() - started) / 1000);
                }
              }
              sent.addAndGet(lines);
            }
          });
    }
    Clients.runAll(workers);
    return sent.get();
  }

  private void ingest(StringBuilder body) {
    FhirClient.Answer answer =
        writer.post(
            "Observation/$ingest-measurements",
            "application/x-ndjson",
            body.toString().getBytes(StandardCharsets.UTF_8));
    if (answer.status() != 200) {
      throw new BenchException(
          "$ingest-measurements answered " + answer.status() + ": " + answer.diagnostics());
    }
  }

  private static void line(StringBuilder out, String patient, String device, long t, int value) {
    out.append("{\"patient\":\"Patient/")
        .append(patient)
        .append("\",\"device\":\"Device/")
        .append(device)
        .append("\",\"code\":\"8867-4\",\"unit\":\"/min\",\"time\":\"")
        .append(Instant.ofEpochMilli(t))
        .append("\",\"value\":")
        .append(value)
        .append("}\n");
  }

  private String patientId(int i) {
    return "bench-series-" + run + "-p" + i;
  }

  private String deviceId(int i) {
    return "bench-series-" + run + "-d" + i;
  }

  /** The patients and their devices, by id, in one transaction. */
  private void setup(int count) {
    ObjectNode bundle =
        JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
    ArrayNode entries = bundle.putArray("entry");
    for (int i = 0; i < count; i++) {
      ObjectNode patient = entries.addObject();
      patient
          .putObject("resource")
          .put("resourceType", "Patient")
          .put("id", patientId(i))
          .put("active", true);
      patient.putObject("request").put("method", "PUT").put("url", "Patient/" + patientId(i));
      ObjectNode device = entries.addObject();
      ObjectNode resource =
          device.putObject("resource").put("resourceType", "Device").put("id", deviceId(i));
      resource.put("serialNumber", "HR-" + run + "-" + i);
      resource.putObject("patient").put("reference", "Patient/" + patientId(i));
      device.putObject("request").put("method", "PUT").put("url", "Device/" + deviceId(i));
    }
    FhirClient.Answer answer = writer.postBundle(bundle);
    if (answer.status() != 200) {
      throw new BenchException("setup answered " + answer.status() + ": " + answer.diagnostics());
    }
  }

  /** The database's size in bytes, or -1 without {@code --jdbc}. */
  private long databaseBytes() {
    if (jdbc == null) {
      return -1;
    }
    try (Connection db = DriverManager.getConnection(jdbc, "postgres", "");
        Statement statement = db.createStatement()) {
      statement.execute("CHECKPOINT");
      try (ResultSet rows = statement.executeQuery("SELECT pg_database_size(current_database())")) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new BenchException("cannot read the database size at " + jdbc + ": " + e.getMessage());
    }
  }

  static List<String> options() {
    return Arrays.asList(
        "server",
        "token",
        "reader-token",
        "jdbc",
        "devices",
        "devices-per-request",
        "minutes",
        "batches",
        "warmup-batches",
        "clients",
        "queries",
        "label",
        "results");
  }
}
