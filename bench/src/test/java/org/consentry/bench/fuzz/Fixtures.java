package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The small CapabilityStatement and sample data of the test resources (fuzz/). */
final class Fixtures {

  private Fixtures() {}

  static Surface surface() {
    try {
      return Surface.of(
          new ObjectMapper().readTree(Fixtures.class.getResourceAsStream("/fuzz/capability.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Corpus corpus() {
    try {
      return Corpus.load(List.of(Path.of(Fixtures.class.getResource("/fuzz/data").toURI())));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Requester anonymous() {
    return new Requester("anonymous", "./consentry", List.of(), null);
  }

  static Requester patient() {
    return new Requester(
        "patient", "./consentry", List.of("fuzz-patient", "--scope", "patient/*.cruds"), "p1");
  }
}
