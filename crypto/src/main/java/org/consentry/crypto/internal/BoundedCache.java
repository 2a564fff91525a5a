package org.consentry.crypto.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map bounded in size and in age. Reads take no lock. Entries older than the time to
 * live (by the injected clock) read as absent, so a change made elsewhere (a key destroyed on
 * another node) is seen here after at most that long even without {@link #remove}. Above the
 * maximum size, a sweep in the manner of CLOCK (second chance) drops entries not read since the
 * previous sweep, then any, down to 90% of the maximum.
 *
 * <p>Internal: not part of the API.
 */
public final class BoundedCache<K, V> {

  private static final class Entry<V> {
    final V value;
    final long loadedAtMillis;
    volatile boolean used;

    Entry(V value, long loadedAtMillis) {
      this.value = value;
      this.loadedAtMillis = loadedAtMillis;
    }
  }

  private final ConcurrentHashMap<K, Entry<V>> map = new ConcurrentHashMap<>();
  private final int maxSize;
  private final long ttlMillis;
  private final Clock clock;
  private final Object sweepLock = new Object();

  public BoundedCache(int maxSize, Duration ttl, Clock clock) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("cache size must be at least 1, was " + maxSize);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("cache time to live must be positive, was " + ttl);
    }
    this.maxSize = maxSize;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  /** The value, or null when absent or expired. */
  public V get(K key) {
    Entry<V> entry = map.get(key);
    if (entry == null) {
      return null;
    }
    if (clock.millis() - entry.loadedAtMillis >= ttlMillis) {
      map.remove(key, entry);
      return null;
    }
    if (!entry.used) {
      entry.used = true;
    }
    return entry.value;
  }

  public void put(K key, V value) {
    map.put(key, new Entry<>(value, clock.millis()));
    if (map.size() > maxSize) {
      sweep();
    }
  }

  public void remove(K key) {
    map.remove(key);
  }

  /** Removes every entry whose key matches; a scan of the whole cache, for rare events. */
  public void removeIf(java.util.function.Predicate<K> matches) {
    map.keySet().removeIf(matches);
  }

  public int size() {
    return map.size();
  }

  private void sweep() {
    synchronized (sweepLock) {
      int target = Math.max(1, maxSize - maxSize / 10);
      for (int pass = 0; pass < 2 && map.size() > target; pass++) {
        Iterator<Map.Entry<K, Entry<V>>> it = map.entrySet().iterator();
        while (it.hasNext() && map.size() > target) {
          Entry<V> entry = it.next().getValue();
          if (pass == 0 && entry.used) {
            entry.used = false;
          } else {
            it.remove();
          }
        }
      }
    }
  }
}
