package org.consentry.server.consent;

import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;

/**
 * The Consent counter of the shared {@link Generations}: every committed change to a Consent bumps
 * it. Each request reads it once (with the other counters, at its start); a node whose cached
 * consents are older drops them, so a revocation made on any node takes effect on the very next
 * request everywhere.
 */
final class ConsentGeneration {

  private final Generations generations;

  ConsentGeneration(Generations generations) {
    this.generations = generations;
  }

  long current() {
    return generations.current(Topic.CONSENT);
  }

  /** Called after a Consent change committed. */
  void bump() {
    generations.bump(Topic.CONSENT);
  }
}
