package org.consentry.server.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CoOwnersTest {

  /** A lookup that answers from a table the test changes, and records what it was asked. */
  private static final class Index implements CoOwners.Lookup {
    final List<Set<String>> asked = new ArrayList<>();
    Set<String> others = Set.of("p9");
    boolean fails;

    @Override
    public Optional<Set<String>> of(String type, Set<String> patients) {
      asked.add(Set.copyOf(patients));
      return fails ? Optional.empty() : Optional.of(others);
    }
  }

  private final Index index = new Index();
  private final CoOwners coOwners = new CoOwners(index);

  @Test
  void sameGeneration_asksTheIndexOnce_whateverTheSetsOrder() {
    assertThat(coOwners.of("Observation", new TreeSet<>(Set.of("p1", "p2")), 4L))
        .contains(Set.of("p9"));
    index.others = Set.of("p8");
    assertThat(coOwners.of("Observation", Set.of("p2", "p1"), 4L))
        .as("what was read at generation 4")
        .contains(Set.of("p9"));
    assertThat(index.asked).hasSize(1);
  }

  @Test
  void newerGeneration_readsAgain_andForgetsWhatWasKept() {
    coOwners.of("Observation", Set.of("p1"), 4L);
    coOwners.of("Observation", Set.of("p2"), 4L);
    index.others = Set.of("p7", "p9");
    assertThat(coOwners.of("Observation", Set.of("p1"), 5L)).contains(Set.of("p7", "p9"));
    coOwners.of("Observation", Set.of("p2"), 5L);
    assertThat(index.asked).containsExactly(Set.of("p1"), Set.of("p2"), Set.of("p1"), Set.of("p2"));
  }

  @Test
  void olderGeneration_readsTheIndex_andKeepsTheNewerAnswers() {
    coOwners.of("Observation", Set.of("p1"), 5L);
    index.others = Set.of();
    assertThat(coOwners.of("Observation", Set.of("p1"), 4L)).contains(Set.of());
    index.others = Set.of("p6");
    assertThat(coOwners.of("Observation", Set.of("p1"), 5L)).contains(Set.of("p9"));
    assertThat(index.asked).hasSize(2);
  }

  @Test
  void typesAndPatientSets_areKeptApart() {
    coOwners.of("Observation", Set.of("p1"), 1L);
    coOwners.of("Condition", Set.of("p1"), 1L);
    coOwners.of("Observation", Set.of("p1", "p2"), 1L);
    coOwners.of("Observation", Set.of("p1"), 1L);
    assertThat(index.asked).hasSize(3);
  }

  @Test
  void withoutAGeneration_orWhenTheIndexCannotTell_nothingIsKept() {
    coOwners.of("Observation", Set.of("p1"), null);
    coOwners.of("Observation", Set.of("p1"), null);
    index.fails = true;
    assertThat(coOwners.of("Observation", Set.of("p2"), 3L)).isEmpty();
    index.fails = false;
    assertThat(coOwners.of("Observation", Set.of("p2"), 3L)).contains(Set.of("p9"));
    assertThat(index.asked).hasSize(4);
  }

  @Test
  void noPatients_noneToAsk() {
    assertThat(coOwners.of("Observation", Set.of(), 1L)).contains(Set.of());
    assertThat(index.asked).isEmpty();
  }

  @Test
  void beyondItsCapacity_theLeastRecentlyUsedAnswerGoes() {
    coOwners.of("Observation", Set.of("first"), 1L);
    for (int i = 0; i < CoOwners.CAPACITY - 1; i++) {
      coOwners.of("Observation", Set.of("p" + i), 1L);
    }
    coOwners.of("Observation", Set.of("first"), 1L); // used again: now the most recent
    coOwners.of("Observation", Set.of("one more"), 1L);
    int asked = index.asked.size();
    coOwners.of("Observation", Set.of("first"), 1L);
    assertThat(index.asked).hasSize(asked);
    coOwners.of("Observation", Set.of("p0"), 1L);
    assertThat(index.asked).as("p0 was the least recently used").hasSize(asked + 1);
  }
}
