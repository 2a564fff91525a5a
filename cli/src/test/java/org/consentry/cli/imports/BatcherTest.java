package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatcherTest {

  final List<List<ResourceLine>> batches = new ArrayList<>();

  static ResourceLine resource(int line, int bytes) {
    return new ResourceLine(
        Path.of("x.ndjson"), line, "Patient", "p" + line, "{}", Set.of(), bytes);
  }

  @Test
  void add_moreThanTheCount_startsANewBatch() {
    Batcher batcher = new Batcher(3, 1 << 20, batches::add);
    for (int i = 1; i <= 7; i++) {
      batcher.add(resource(i, 10));
    }
    batcher.flush();

    assertThat(batches).extracting(List::size).containsExactly(3, 3, 1);
  }

  @Test
  void add_moreThanTheBytes_startsANewBatch() {
    int perEntry = 1000 + Batcher.ENTRY_OVERHEAD;
    Batcher batcher = new Batcher(500, 2L * perEntry, batches::add);
    for (int i = 1; i <= 5; i++) {
      batcher.add(resource(i, 1000));
    }
    batcher.flush();

    assertThat(batches).extracting(List::size).containsExactly(2, 2, 1);
  }

  @Test
  void add_resourceLargerThanTheBytes_goesAlone() {
    Batcher batcher = new Batcher(500, 2048, batches::add);
    batcher.add(resource(1, 100));
    batcher.add(resource(2, 50_000));
    batcher.add(resource(3, 100));
    batcher.flush();

    assertThat(batches).extracting(List::size).containsExactly(1, 1, 1);
  }

  @Test
  void flush_withNothingPending_sendsNothing() {
    new Batcher(10, 4096, batches::add).flush();

    assertThat(batches).isEmpty();
  }
}
