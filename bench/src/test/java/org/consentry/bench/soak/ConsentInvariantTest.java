package org.consentry.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.bench.soak.ConsentInvariant.Finding;
import org.consentry.bench.soak.ConsentInvariant.Kind;
import org.consentry.bench.soak.ConsentInvariant.Snapshot;
import org.consentry.bench.soak.ConsentInvariant.Visibility;
import org.junit.jupiter.api.Test;

class ConsentInvariantTest {

  private final ConsentInvariant invariant = new ConsentInvariant(Set.of("w1", "w2"));

  private Snapshot deny(String patient) {
    invariant.beginChange(patient);
    invariant.endChange(patient, Visibility.DENIED);
    return invariant.snapshot();
  }

  @Test
  void aReadAnsweredWhileTheDenialHeldIsALeak() {
    Snapshot start = deny("w1");
    Snapshot end = invariant.snapshot();

    List<Finding> leak = invariant.checkRead(start, end, "w1", 200);

    assertThat(leak).extracting(Finding::kind).containsExactly(Kind.LEAK);
    assertThat(invariant.checkRead(start, end, "w1", 404)).isEmpty();
    // the other watched patient and a patient not watched are still allowed: 200 is right
    assertThat(invariant.checkRead(start, end, "w2", 200)).isEmpty();
    assertThat(invariant.checkRead(start, end, "other", 200)).isEmpty();
    // checked: w1 twice under its denial, w2 once under its allowance (not-watched ones are not
    // counted)
    assertThat(invariant.checked()).containsExactly(2, 1);
  }

  @Test
  void aHiddenAnswerOfAnAllowedPatientIsAnError() {
    Snapshot start = invariant.snapshot();
    Snapshot end = invariant.snapshot();

    assertThat(invariant.checkRead(start, end, "w1", 404))
        .extracting(Finding::kind)
        .containsExactly(Kind.ERROR);
    assertThat(invariant.checkRead(start, end, "not-watched", 404))
        .extracting(Finding::kind)
        .containsExactly(Kind.ERROR);
  }

  @Test
  void aRequestOverlappingAChangeProvesNothing() {
    Snapshot start = deny("w1");
    invariant.beginChange("w1"); // a revocation is sent while the read is under way
    Snapshot during = invariant.snapshot();
    invariant.endChange("w1", Visibility.ALLOWED);
    Snapshot end = invariant.snapshot();

    assertThat(invariant.checkRead(start, end, "w1", 200)).isEmpty();
    assertThat(invariant.checkRead(start, during, "w1", 200)).isEmpty();
    assertThat(invariant.checkRead(during, end, "w1", 404)).isEmpty();
    // denied again with a new state object: a read that began under the old denial is not checked
    Snapshot again = deny("w1");
    assertThat(invariant.checkRead(start, again, "w1", 200)).isEmpty();
    assertThat(invariant.checkRead(again, invariant.snapshot(), "w1", 200)).hasSize(1);
  }

  @Test
  void aPageWithEntriesOfADeniedPatientIsALeak() {
    Snapshot start = deny("w2");
    Snapshot end = invariant.snapshot();

    assertThat(invariant.checkPage(start, end, Map.of("w1", 3, "other", 2))).isEmpty();
    assertThat(invariant.checkPage(start, end, Map.of("w1", 3, "w2", 1)))
        .extracting(Finding::kind)
        .containsExactly(Kind.LEAK);
  }

  @Test
  void aTotalCountingADeniedPatientIsALeakAndOneMissingAnAllowedOneAnError() {
    Map<String, Integer> matches = Map.of("w1", 3, "w2", 3, "other", 3);
    Snapshot start = deny("w2");
    Snapshot end = invariant.snapshot();

    assertThat(invariant.checkTotal(start, end, 6, matches, matches)).isEmpty();
    assertThat(invariant.checkTotal(start, end, 9, matches, matches))
        .extracting(Finding::kind)
        .containsExactly(Kind.LEAK);
    assertThat(invariant.checkTotal(start, end, 5, matches, matches))
        .extracting(Finding::kind)
        .containsExactly(Kind.ERROR);
    assertThat(invariant.checkTotal(start, end, null, matches, matches)).isEmpty();
    // while w2 changes, its matches may or may not count
    invariant.beginChange("w2");
    Snapshot changing = invariant.snapshot();
    assertThat(invariant.checkTotal(changing, changing, 9, matches, matches)).isEmpty();
    assertThat(invariant.checkTotal(changing, changing, 6, matches, matches)).isEmpty();
  }

  @Test
  void aGrowingPatientsTotalHasNoUpperBoundUnlessDenied() {
    Map<String, Integer> atLeast = Map.of("w1", 4);
    Map<String, Integer> unbounded = Map.of("w1", Integer.MAX_VALUE);
    Snapshot allowed = invariant.snapshot();
    assertThat(invariant.checkTotal(allowed, allowed, 40, atLeast, unbounded)).isEmpty();
    assertThat(invariant.checkTotal(allowed, allowed, 3, atLeast, unbounded)).hasSize(1);

    Snapshot denied = deny("w1");
    assertThat(invariant.checkTotal(denied, denied, 0, atLeast, unbounded)).isEmpty();
    assertThat(invariant.checkTotal(denied, denied, 1, atLeast, unbounded))
        .extracting(Finding::kind)
        .containsExactly(Kind.LEAK);
  }

  @Test
  void allPagesTogetherMustHoldEveryEntryOfAnAllowedPatient() {
    Map<String, Integer> expected = Map.of("w1", 3, "other", 3);
    Snapshot start = invariant.snapshot();
    Snapshot end = invariant.snapshot();

    assertThat(invariant.checkComplete(start, end, Map.of("w1", 3, "other", 3), expected))
        .isEmpty();
    assertThat(invariant.checkComplete(start, end, Map.of("w1", 3, "other", 2), expected))
        .extracting(Finding::kind)
        .containsExactly(Kind.ERROR);
    // w1 denied during the paging: its missing entries are not an error
    invariant.beginChange("w1");
    assertThat(invariant.checkComplete(start, invariant.snapshot(), Map.of("other", 3), expected))
        .isEmpty();
  }
}
