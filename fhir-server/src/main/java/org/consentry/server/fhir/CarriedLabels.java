package org.consentry.server.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.Coding;

/**
 * Where the owner index extraction reports the security labels of each resource it indexes under
 * {@link OwnerIndex#OWNER_LABEL}, as it computes that resource's indexes (in the writing
 * transaction, for a write or a {@code $reindex}). Consent views use what is reported to leave out
 * owner-label values of labels that no resource of a type ever carried.
 */
public final class CarriedLabels {

  /** Told of the labels a resource of a type carries, before its index rows are stored. */
  public interface Listener {
    /**
     * @param labels the resource's security labels with a code (never empty)
     * @throws RuntimeException when the labels could not be recorded: the write fails with it
     */
    void carried(String type, List<Coding> labels);
  }

  private volatile Listener listener;

  /** Reports to this listener from now on. */
  public void listenWith(Listener listener) {
    this.listener = listener;
  }

  void report(String type, List<Coding> labels) {
    Listener current = listener;
    if (current != null && !labels.isEmpty()) {
      current.carried(type, labels);
    }
  }
}
