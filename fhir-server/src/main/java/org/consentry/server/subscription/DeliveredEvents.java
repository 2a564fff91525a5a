package org.consentry.server.subscription;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events this node has delivered (or is delivering) to each Subscription, so that none is
 * delivered twice: a key is claimed before delivery, released if it was not sent (withheld, or
 * failed and left to a retry), and kept once delivered. Bounded: the oldest are forgotten first.
 * Each stored change is taken from HAPI's shared table by one node, which matches and delivers it,
 * so one node sees each event.
 */
final class DeliveredEvents {

  private enum State {
    DELIVERING,
    DELIVERED
  }

  private final Map<String, State> events;

  DeliveredEvents(int capacity) {
    this.events =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Claims the event for delivery; false if it is delivered or being delivered already. */
  synchronized boolean claim(String key) {
    return events.putIfAbsent(key, State.DELIVERING) == null;
  }

  /** The event was not delivered: it may be claimed again. */
  synchronized void release(String key) {
    events.remove(key, State.DELIVERING);
  }

  /** The event was delivered: it will not be delivered again. */
  synchronized void done(String key) {
    events.put(key, State.DELIVERED);
  }

  synchronized boolean delivered(String key) {
    return events.get(key) == State.DELIVERED;
  }
}
