package org.consentry.server.storage;

import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One value per transaction under a key: created on first use, with what must happen on the
 * transaction's outcome, and unbound when the transaction ends whatever that outcome. Writes that
 * gather what their transaction changed (to bump a generation once, to record or index after the
 * commit) share it.
 */
public final class TransactionScoped {

  private TransactionScoped() {}

  /** What happens to a bound value as its transaction ends. */
  public interface Outcome<T> {
    /** Just before the commit, on the transaction's connection. */
    default void beforeCommit(T value) {}

    /** Once committed (a rolled-back transaction calls neither). */
    default void afterCommit(T value) {}
  }

  /**
   * The value bound to the current transaction under {@code key}, created and bound (with its
   * outcome) on first use.
   *
   * @throws IllegalStateException when no transaction synchronization is active
   */
  public static <T> T get(String key, Supplier<T> create, Outcome<T> outcome) {
    @SuppressWarnings("unchecked")
    T value = (T) TransactionSynchronizationManager.getResource(key);
    if (value != null) {
      return value;
    }
    T bound = create.get();
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void beforeCommit(boolean readOnly) {
            outcome.beforeCommit(bound);
          }

          @Override
          public void afterCommit() {
            outcome.afterCommit(bound);
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(key);
          }
        });
    TransactionSynchronizationManager.bindResource(key, bound);
    return bound;
  }
}
