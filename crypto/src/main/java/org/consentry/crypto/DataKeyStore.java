package org.consentry.crypto;

import java.util.List;
import java.util.Optional;

/**
 * Where wrapped data keys are kept: a small SPI the server implements in its database (a table
 * keyed by key id and version, and one of destroyed key ids), with {@link InMemoryDataKeyStore} for
 * tests. It only ever sees wrapped keys.
 *
 * <p>Contract: implementations are thread-safe and every method is atomic on its own. Several nodes
 * may share one store: {@link #insert} must be an atomic insert-if-absent (a unique constraint on
 * key id and version), so two nodes creating the first key of a patient at once cannot both win and
 * leave data under a lost key. Failures of the store itself propagate as unchecked exceptions of
 * the implementation's choosing.
 */
public interface DataKeyStore {

  /** The given version of a key id, if stored. */
  Optional<WrappedDataKey> find(String keyId, int version);

  /** The highest stored version of a key id, if any. */
  Optional<WrappedDataKey> latest(String keyId);

  /** Every stored version of every key id (for re-wrapping under a new KEK). */
  List<WrappedDataKey> all();

  /**
   * Stores a new version unless that key id and version already exist.
   *
   * @return whether it was stored; false if that version exists (another writer won)
   */
  boolean insert(WrappedDataKey key);

  /**
   * Replaces the stored wrapping of an existing key id and version (same key, new KEK).
   *
   * @return whether it was replaced; false if that version no longer exists (destroyed)
   */
  boolean update(WrappedDataKey key);

  /**
   * Deletes every version of a key id and remembers that it was destroyed, so that {@link
   * #isDestroyed} answers true and later inserts for it are refused.
   */
  void destroy(String keyId);

  /** Whether {@link #destroy} was called for this key id. */
  boolean isDestroyed(String keyId);
}
