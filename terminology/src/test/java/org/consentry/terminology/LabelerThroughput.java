package org.consentry.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.consentry.terminology.internal.GenericWalkProbe;
import org.consentry.terminology.internal.IndexedSensitivityLabeler;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

/**
 * Not a test: a quick single-thread throughput figure for the labeler on synthea-10, parsed once
 * and held in memory. From the repository root: {@code mvn -q -pl terminology test-compile
 * dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt}, then in
 * {@code terminology/}: {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * org.consentry.terminology.LabelerThroughput [seconds]}. The JMH benchmark in the bench module
 * (org.consentry.bench.jmh.LabelerBenchmark) measures the same paths properly.
 */
public final class LabelerThroughput {

  private static volatile int sink;

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    List<Resource> resources = SampleData.syntheaResources();
    SensitivityLabeler labeler = Terminology.bundled().labeler();
    IndexedSensitivityLabeler indexed = (IndexedSensitivityLabeler) labeler;
    FhirTerser terser = FhirContext.forR4Cached().newTerser();
    Map<String, Set<SensitivityCategory>> lookup = flatLookup();
    System.out.printf("synthea-10: %d resources, one thread%n", resources.size());

    measure(
        "apply (clear meta.security, then label)",
        resources,
        seconds,
        resource -> {
          if (resource.hasMeta()) {
            resource.getMeta().getSecurity().clear();
          }
          return labeler.apply(resource) ? 1 : 0;
        });
    measure(
        "apply on already-labeled resources (steady state)",
        resources,
        seconds / 2,
        resource -> labeler.apply(resource) ? 1 : 0);
    measure(
        "categories (typed readers)",
        resources,
        seconds / 2,
        resource -> labeler.categories(resource).size());
    measure(
        "generic walk only (Base.children)",
        resources,
        seconds / 2,
        resource -> GenericWalkProbe.genericMask(indexed, resource));
    measure(
        "FhirTerser all Codings + lookup (for comparison)",
        resources,
        seconds / 2,
        resource -> {
          int found = 0;
          for (Coding coding : terser.getAllPopulatedChildElementsOfType(resource, Coding.class)) {
            found +=
                lookup.getOrDefault(coding.getSystem() + "|" + coding.getCode(), Set.of()).size();
          }
          return found;
        });
  }

  private static void measure(
      String name, List<Resource> resources, double seconds, ToIntFunction<Resource> work) {
    run(resources, Math.max(1, seconds / 3), work);
    Result result = run(resources, seconds, work);
    System.out.printf("  %-52s %,12.0f resources/s%n", name, result.count / result.seconds);
  }

  private static Result run(
      List<Resource> resources, double seconds, ToIntFunction<Resource> work) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long count = 0;
    int accumulated = 0;
    do {
      for (Resource resource : resources) {
        accumulated += work.applyAsInt(resource);
      }
      count += resources.size();
    } while (System.nanoTime() < deadline);
    sink = accumulated;
    return new Result(count, (System.nanoTime() - start) / 1e9);
  }

  /** A naive system|code map for the terser comparison, built from the bundled value sets. */
  private static Map<String, Set<SensitivityCategory>> flatLookup() {
    Map<String, Set<SensitivityCategory>> map = new java.util.HashMap<>();
    for (var valueSet : Terminology.bundled().valueSets()) {
      SensitivityCategory category = Terminology.declaredCategory(valueSet).orElseThrow();
      valueSet
          .getCompose()
          .getInclude()
          .forEach(
              include ->
                  include
                      .getConcept()
                      .forEach(
                          concept ->
                              map.computeIfAbsent(
                                      include.getSystem() + "|" + concept.getCode(),
                                      key -> EnumSet.noneOf(SensitivityCategory.class))
                                  .add(category)));
    }
    return map;
  }

  private record Result(long count, double seconds) {}
}
