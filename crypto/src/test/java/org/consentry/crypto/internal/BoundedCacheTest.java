package org.consentry.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void get_afterTimeToLive_isAbsent() {
    MutableClock clock = new MutableClock();
    BoundedCache<String, String> cache = new BoundedCache<>(10, Duration.ofMinutes(5), clock);
    cache.put("a", "1");
    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.get("a")).isEqualTo("1");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.get("a")).isNull();
  }

  @Test
  void put_beyondMaximum_staysBoundedAndKeepsRecentlyRead() {
    BoundedCache<Integer, Integer> cache =
        new BoundedCache<>(100, Duration.ofHours(1), Clock.systemUTC());
    cache.put(-1, -1);
    for (int i = 0; i < 1_000; i++) {
      cache.get(-1);
      cache.put(i, i);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(100);
    assertThat(cache.get(-1)).isEqualTo(-1);
    assertThat(cache.get(999)).isEqualTo(999);
  }

  @Test
  void constructor_zeroSize_isRejected() {
    assertThatThrownBy(() -> new BoundedCache<>(0, Duration.ofMinutes(1), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
