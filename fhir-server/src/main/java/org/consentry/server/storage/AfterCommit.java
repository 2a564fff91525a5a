package org.consentry.server.storage;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs an action once the current transaction has committed, so that what it does (invalidate a
 * cache, tell the other nodes, start background work) sees the committed data and never follows a
 * write that was rolled back. Outside a transaction the action runs at once.
 */
public final class AfterCommit {

  private AfterCommit() {}

  /** Runs {@code action} after the current transaction commits, or now if there is none. */
  public static void run(Runnable action) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      action.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }
}
