package org.consentry.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NoActiveFlagsTest {

  @Test
  void knownOnlyAtTheGenerationOfTheSearch() {
    NoActiveFlags memory = new NoActiveFlags(10);
    assertThat(memory.known("p", "r", 3)).isFalse();
    memory.remember("p", "r", 3);
    assertThat(memory.known("p", "r", 3)).isTrue();
    assertThat(memory.known("p", "r", 4)).as("a Flag was written since").isFalse();
    assertThat(memory.known("p", "other", 3)).isFalse();
    assertThat(memory.known("q", "r", 3)).isFalse();
  }

  @Test
  void forgetting_endsTheMemory() {
    NoActiveFlags memory = new NoActiveFlags(10);
    memory.remember("p", "r", 3);
    memory.forget("p", "r");
    assertThat(memory.known("p", "r", 3)).isFalse();
  }

  @Test
  void theOldestAreForgottenFirst() {
    NoActiveFlags memory = new NoActiveFlags(2);
    memory.remember("a", "r", 1);
    memory.remember("b", "r", 1);
    memory.remember("c", "r", 1);
    assertThat(memory.known("a", "r", 1)).isFalse();
    assertThat(memory.known("b", "r", 1)).isTrue();
    assertThat(memory.known("c", "r", 1)).isTrue();
  }
}
