package org.consentry.server.devices;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class NewWindowsTest {

  private final NewWindows guard = new NewWindows();

  @Test
  void aWindowExpectedNew_thatTurnsOutStored_isAConflict() {
    SystemRequestDetails request = new SystemRequestDetails();
    NewWindows.expect(request, "w1");
    assertThatThrownBy(() -> guard.updated(window("w1"), window("w1"), request))
        .isInstanceOf(ResourceVersionConflictException.class)
        .hasMessageContaining("Observation/w1 was created by another batch meanwhile");
  }

  @Test
  void otherUpdates_pass() {
    SystemRequestDetails request = new SystemRequestDetails();
    NewWindows.expect(request, "w1");
    assertThatCode(() -> guard.updated(window("w2"), window("w2"), request))
        .as("a window read before, written with If-Match")
        .doesNotThrowAnyException();
    assertThatCode(() -> guard.updated(window("w1"), window("w1"), new SystemRequestDetails()))
        .as("another request")
        .doesNotThrowAnyException();
  }

  @Test
  void aNewAttempt_expectsNothingUntilToldAgain() {
    SystemRequestDetails request = new SystemRequestDetails();
    NewWindows.expect(request, "w1");
    NewWindows.reset(request);
    assertThatCode(() -> guard.updated(window("w1"), window("w1"), request))
        .doesNotThrowAnyException();
  }

  private static Observation window(String id) {
    Observation observation = new Observation();
    observation.setId("Observation/" + id);
    return observation;
  }
}
