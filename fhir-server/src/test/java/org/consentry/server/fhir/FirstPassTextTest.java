package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceAddressMetadataKey;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class FirstPassTextTest {

  private final FirstPassText text = new FirstPassText();
  private final TransactionDetails transaction = new TransactionDetails();

  @Test
  void deferred_thenRestored_leavesNoMarker_andTheTransactionEnds() {
    Patient patient = new Patient();
    text.defer(patient, transaction);
    assertThat(ExternallyStoredResourceAddressMetadataKey.INSTANCE.get(patient).getProviderId())
        .isEqualTo(FirstPassText.PROVIDER);

    text.restore(patient, transaction);

    assertThat(ExternallyStoredResourceAddressMetadataKey.INSTANCE.get(patient)).isNull();
    assertThatCode(() -> text.everyTextStored(transaction)).doesNotThrowAnyException();
  }

  @Test
  void deferred_andNeverRestored_failsTheTransaction() {
    Patient restored = new Patient();
    text.defer(restored, transaction);
    text.defer(new Observation(), transaction);
    text.restore(restored, transaction);

    assertThatThrownBy(() -> text.everyTextStored(transaction))
        .isInstanceOf(InternalErrorException.class)
        .hasMessageStartingWith("1 resource(s) of this transaction reached its end without");
  }

  @Test
  void aRolledBackTransaction_leavesNoMarker_forItsNextAttempt() {
    Patient patient = new Patient();
    text.defer(patient, transaction);

    // what HAPI's transaction service runs on a rollback, before it may run the transaction again
    transaction.getRollbackUndoActions().forEach(Runnable::run);

    assertThat(ExternallyStoredResourceAddressMetadataKey.INSTANCE.get(patient)).isNull();
    assertThatCode(() -> text.everyTextStored(transaction)).doesNotThrowAnyException();
  }

  @Test
  void restore_ofAResourceNeverDeferred_changesNothing() {
    Patient patient = new Patient();
    text.restore(patient, transaction);

    assertThat(ExternallyStoredResourceAddressMetadataKey.INSTANCE.get(patient)).isNull();
    assertThatCode(() -> text.everyTextStored(new TransactionDetails())).doesNotThrowAnyException();
  }

  @Test
  void theMarkerIsNeverRead() {
    assertThatThrownBy(() -> text.fetchResource("text-of-the-second-pass"))
        .isInstanceOf(InternalErrorException.class)
        .hasMessageContaining("has no text");
  }
}
