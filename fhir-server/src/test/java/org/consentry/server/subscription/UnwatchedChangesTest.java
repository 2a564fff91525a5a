package org.consentry.server.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnwatchedChangesTest {

  @Test
  void noSubscription_watchesNothing() {
    assertThat(UnwatchedChanges.watched(List.of(), "Observation")).isFalse();
  }

  @Test
  void aSearchCriteria_watchesItsTypeOnly() {
    List<ActiveSubscription> flags = List.of(active("1", "Flag?patient=Patient/p"));
    assertThat(UnwatchedChanges.watched(flags, "Flag")).isTrue();
    assertThat(UnwatchedChanges.watched(flags, "Observation")).isFalse();
  }

  @Test
  void anyOfSeveral_watchesTheirTypes() {
    List<ActiveSubscription> several =
        List.of(active("1", "Flag?patient=Patient/p"), active("2", "Observation?code=8867-4"));
    assertThat(UnwatchedChanges.watched(several, "Observation")).isTrue();
    assertThat(UnwatchedChanges.watched(several, "Condition")).isFalse();
  }

  @Test
  void aMultiTypeCriteria_watchesEachTypeItNames() {
    List<ActiveSubscription> multi = List.of(active("1", "[Observation,Flag]"));
    assertThat(UnwatchedChanges.watched(multi, "Flag")).isTrue();
    assertThat(UnwatchedChanges.watched(multi, "Observation")).isTrue();
    assertThat(UnwatchedChanges.watched(multi, "Condition")).isFalse();
  }

  @Test
  void aStarCriteria_watchesEveryType() {
    assertThat(UnwatchedChanges.watched(List.of(active("1", "[*]")), "Condition")).isTrue();
  }

  @Test
  void aTopicSubscription_keepsEverything() {
    CanonicalSubscription topic = canonical("1", null);
    topic.setTopicSubscription(true);
    assertThat(UnwatchedChanges.watched(List.of(new ActiveSubscription(topic, "c")), "Condition"))
        .isTrue();
  }

  @Test
  void aCriteriaHapiCannotParse_watchesNothing() {
    assertThat(UnwatchedChanges.watched(List.of(active("1", "not a criteria")), "Observation"))
        .isFalse();
  }

  private static ActiveSubscription active(String id, String criteria) {
    return new ActiveSubscription(canonical(id, criteria), "channel-" + id);
  }

  private static CanonicalSubscription canonical(String id, String criteria) {
    CanonicalSubscription subscription = new CanonicalSubscription();
    subscription.setIdElement(new org.hl7.fhir.r4.model.IdType("Subscription", id));
    subscription.setCriteriaString(criteria);
    return subscription;
  }
}
