package org.consentry.bench.jmh;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.consentry.terminology.SensitivityCategory;
import org.consentry.terminology.SensitivityLabeler;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sensitivity labeler throughput on one thread, over the synthea-10 resources parsed once into
 * memory. Each invocation labels the next resource (cycling through all 9,022 in file order), so
 * the score is resources per second. Target: at least 200,000/s.
 *
 * <ul>
 *   <li>{@code apply}: clears meta.security, then labels: the write-path cost of a new resource.
 *   <li>{@code applyAlreadyLabeled}: labels a resource that already carries its labels (updates).
 *   <li>{@code categories}: the lookup alone, no change to the resource.
 * </ul>
 *
 * <p>{@code dataDir} is relative to the working directory; the default fits the repository root
 * (elsewhere: {@code -p dataDir=PATH}). How to run it: bench/README.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LabelerBenchmark {

  @Param("data/synthea-10")
  public String dataDir;

  private Resource[] resources;
  private Resource[] labeled;
  private SensitivityLabeler labeler;
  private int cursor;
  private int labeledCursor;

  @Setup(Level.Trial)
  public void parse() throws IOException {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    List<Resource> parsed = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of(dataDir))) {
      files = list.filter(path -> path.toString().endsWith(".ndjson")).sorted().toList();
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          parsed.add((Resource) parser.parseResource(line));
        }
      }
    }
    if (parsed.isEmpty()) {
      throw new IllegalStateException("no resources under " + Path.of(dataDir).toAbsolutePath());
    }
    labeler = Terminology.bundled().labeler();
    resources = parsed.toArray(Resource[]::new);
    labeled = parsed.stream().map(Resource::copy).toArray(Resource[]::new);
    for (Resource resource : labeled) {
      labeler.apply(resource);
    }
  }

  @Benchmark
  public boolean apply() {
    Resource resource = resources[cursor];
    cursor = cursor + 1 == resources.length ? 0 : cursor + 1;
    if (resource.hasMeta()) {
      resource.getMeta().getSecurity().clear();
    }
    return labeler.apply(resource);
  }

  @Benchmark
  public boolean applyAlreadyLabeled() {
    Resource resource = labeled[labeledCursor];
    labeledCursor = labeledCursor + 1 == labeled.length ? 0 : labeledCursor + 1;
    return labeler.apply(resource);
  }

  @Benchmark
  public Set<SensitivityCategory> categories() {
    Resource resource = resources[cursor];
    cursor = cursor + 1 == resources.length ? 0 : cursor + 1;
    return labeler.categories(resource);
  }
}
