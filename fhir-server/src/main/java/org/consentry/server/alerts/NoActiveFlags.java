package org.consentry.server.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this node has seen of patients without an active alert Flag, so that measurements back in
 * range (the common case: every evaluation asks whether a Flag is to be ended) need not search the
 * Flags each time. Each entry carries the generation of {@code FLAGS} read before the search that
 * found no active Flag; a Flag written anywhere since (a raise, an end, a clinician's change, on
 * any node) bumps the generation once it committed, and the entry no longer counts. Bounded: the
 * oldest entries are forgotten first. Thread-safe.
 */
final class NoActiveFlags {

  private final Map<String, Long> known;

  NoActiveFlags(int capacity) {
    this.known =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Whether the patient had no active Flag of the rule as of this generation of Flags. */
  synchronized boolean known(String patient, String rule, long generation) {
    Long seen = known.get(patient + "|" + rule);
    return seen != null && seen == generation;
  }

  /** A search read at {@code generation} (or later) found no active Flag of the rule. */
  synchronized void remember(String patient, String rule, long generation) {
    known.put(patient + "|" + rule, generation);
  }

  /** The patient may have an active Flag of the rule. */
  synchronized void forget(String patient, String rule) {
    known.remove(patient + "|" + rule);
  }
}
