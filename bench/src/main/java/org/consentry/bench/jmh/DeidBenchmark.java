package org.consentry.bench.jmh;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.consentry.deid.DeidProfile;
import org.consentry.deid.Deidentifier;
import org.consentry.deid.StudyKey;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * De-identification throughput on one thread, over the synthea-10 resources parsed once into memory
 * (each with its patient, for the date shift). The score is resources per second. Target: at least
 * 50,000/s. {@code inPlace} and {@code copy} measure only the de-identification step; {@code
 * parseDeidentifyEncode} and {@code parseEncode} add HAPI's parse and encode, the floor of an
 * export's cost per resource.
 *
 * <ul>
 *   <li>{@code inPlace}: {@code deidentifyInPlace} on fresh copies of all 9,022 resources per
 *       invocation (the copies are made outside the measurement): the export path, where each
 *       resource is parsed only to be exported.
 *   <li>{@code copy}: {@code deidentify}, which first copies the resource (HAPI's {@code copy()})
 *       and leaves the argument unchanged; one resource per operation, cycling.
 * </ul>
 *
 * <p>{@code profile}: {@code safeHarbor} (every date to its year) or {@code limitedDataSet} (dates
 * kept). {@code dataDir} is relative to the working directory; the default fits the repository
 * root. How to run it: bench/README.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeidBenchmark {

  private static final int RESOURCES = 9022;
  private static final Pattern PATIENT = Pattern.compile("\"reference\":\"Patient/([^\"]+)\"");

  /** The parsed resources, their patients and the de-identifier: made once per trial. */
  @State(Scope.Thread)
  public static class Data {

    @Param("data/synthea-10")
    public String dataDir;

    @Param({"safeHarbor", "limitedDataSet"})
    public String profile;

    Resource[] resources;
    String[] lines;
    String[] patients;
    IParser parser;
    Deidentifier deidentifier;
    int cursor;

    @Setup(Level.Trial)
    public void parse() throws IOException {
      IParser parser = FhirContext.forR4Cached().newJsonParser();
      List<Resource> parsed = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      List<String> owners = new ArrayList<>();
      List<Path> files;
      try (Stream<Path> list = Files.list(Path.of(dataDir))) {
        files = list.filter(path -> path.toString().endsWith(".ndjson")).sorted().toList();
      }
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            Resource resource = (Resource) parser.parseResource(line);
            parsed.add(resource);
            texts.add(line);
            Matcher matcher = PATIENT.matcher(line);
            owners.add(
                resource.fhirType().equals("Patient")
                    ? resource.getIdPart()
                    : matcher.find() ? matcher.group(1) : null);
          }
        }
      }
      if (parsed.size() != RESOURCES) {
        throw new IllegalStateException(
            "expected "
                + RESOURCES
                + " resources under "
                + Path.of(dataDir).toAbsolutePath()
                + ", found "
                + parsed.size());
      }
      resources = parsed.toArray(Resource[]::new);
      lines = texts.toArray(String[]::new);
      this.parser = parser;
      patients = owners.toArray(String[]::new);
      DeidProfile chosen =
          profile.equals("safeHarbor") ? DeidProfile.safeHarbor() : DeidProfile.limitedDataSet();
      byte[] secret = "a benchmark study secret, 32 B!".getBytes(StandardCharsets.US_ASCII);
      deidentifier = new Deidentifier(chosen, StudyKey.fromSecret(secret));
    }
  }

  /** Fresh copies of all the resources before each invocation of inPlace (not measured). */
  @State(Scope.Thread)
  public static class Fresh {

    Resource[] copies;

    @Setup(Level.Invocation)
    public void copy(Data data) {
      if (copies == null) {
        copies = new Resource[data.resources.length];
      }
      for (int i = 0; i < copies.length; i++) {
        copies[i] = data.resources[i].copy();
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RESOURCES)
  public void inPlace(Data data, Fresh fresh, Blackhole hole) {
    Resource[] copies = fresh.copies;
    for (int i = 0; i < copies.length; i++) {
      data.deidentifier.deidentifyInPlace(copies[i], data.patients[i]);
    }
    hole.consume(copies);
  }

  @Benchmark
  public Resource copy(Data data) {
    int i = data.cursor;
    data.cursor = i + 1 == data.resources.length ? 0 : i + 1;
    return data.deidentifier.deidentify(data.resources[i], data.patients[i]);
  }

  /**
   * The whole per-resource work of an export line on one thread: parse the stored JSON, de-identify
   * in place, encode the result as one NDJSON line. This is the floor of an export's cost per
   * resource, before reading, consent and writing the file.
   */
  @Benchmark
  @OperationsPerInvocation(RESOURCES)
  public void parseDeidentifyEncode(Data data, Blackhole hole) {
    for (int i = 0; i < data.lines.length; i++) {
      Resource resource = (Resource) data.parser.parseResource(data.lines[i]);
      data.deidentifier.deidentifyInPlace(resource, data.patients[i]);
      hole.consume(data.parser.encodeResourceToString(resource));
    }
  }

  /**
   * Parse and encode alone, with no de-identification: HAPI's share of {@link
   * #parseDeidentifyEncode}.
   */
  @Benchmark
  @OperationsPerInvocation(RESOURCES)
  public void parseEncode(Data data, Blackhole hole) {
    for (int i = 0; i < data.lines.length; i++) {
      hole.consume(data.parser.encodeResourceToString(data.parser.parseResource(data.lines[i])));
    }
  }
}
