package org.consentry.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.consent.Fixtures.*;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

/**
 * What a patient's Consents test of a resource, per requester: the basis for consent in the query.
 */
class ContentDependenceTest {

  private static final ConsentEngine ENGINE = engine();
  private static final Requester DR = practitioner("Practitioner/dr");
  private static final Requester OTHER = practitioner("Practitioner/other");

  private static ContentDependence of(Requester requester, Consent... consents) {
    return ENGINE.dependence(requester, ENGINE.compile(PATIENT, List.of(consents)));
  }

  @Test
  void noConsent_dependsOnNothing() {
    assertThat(of(DR)).isEqualTo(ContentDependence.none());
  }

  @Test
  void denyToAnActor_dependsOnNothingContentWise() {
    Consent consent = consent("c1", deny().actor("Practitioner/dr"));
    assertThat(of(DR).labels()).isEmpty();
    assertThat(of(DR, consent).otherContent()).isFalse();
    assertThat(of(DR, consent).labels()).isEmpty();
  }

  @Test
  void labelException_isReportedOnlyToTheRequestersItCanReach() {
    Consent consent =
        consent("c1", permit().nest(deny().label("PSY").nest(permit().actor("Practitioner/dr"))));
    assertThat(of(OTHER, consent).labels()).extracting(c -> c.getCode()).containsExactly("PSY");
    assertThat(of(OTHER, consent).otherContent()).isFalse();
    // the nested permit for dr is reachable too; the label is still what decides
    assertThat(of(DR, consent).labels()).extracting(c -> c.getCode()).containsExactly("PSY");

    Consent forOther =
        consent("c2", permit().nest(deny().actor("Practitioner/other").label("PSY")));
    assertThat(of(DR, forOther).labels())
        .as("a provision for another actor is unreachable")
        .isEmpty();
  }

  @Test
  void codesDatesAndData_areOtherContent() {
    assertThat(of(DR, consent("c1", deny().code("http://loinc.org", "1234-5"))).otherContent())
        .isTrue();
    assertThat(of(DR, consent("c2", deny().dataPeriod("2020-01-01", "2021-01-01"))).otherContent())
        .isTrue();
    assertThat(
            of(DR, consent("c3", deny().data(Consent.ConsentDataMeaning.INSTANCE, "Observation/1")))
                .otherContent())
        .isTrue();
    assertThat(of(DR, consent("c4", deny().resourceClass("Observation"))).otherContent())
        .as("the type is known per search")
        .isFalse();
  }

  @Test
  void futurePeriod_limitsHowLongTheAnswerHolds() {
    Consent later = consent("c1", deny().period("2025-07-01", null));
    ContentDependence dependence = of(DR, later);
    assertThat(dependence.validUntil())
        .isEqualTo(Instant.parse("2025-07-01T00:00:00Z").toEpochMilli());
    assertThat(dependence.labels()).isEmpty();
  }

  @Test
  void ownRecord_dependsOnNothing() {
    Consent consent = consent("c1", deny().label("PSY"));
    assertThat(of(patient(PATIENT), consent)).isEqualTo(ContentDependence.none());
  }
}
