package org.consentry.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.consentry.server.ServerIT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The cluster-wide lock on the real database: one holder of a name at a time. */
class ClusterLocksIT extends ServerIT {

  @Autowired ClusterLocks locks;

  @Test
  void aSecondHolderOfTheSameName_waitsUntilTheFirstIsDone() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean firstDone = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> first =
          pool.submit(
              () ->
                  locks.holding(
                      "test|same",
                      () -> {
                        held.countDown();
                        await(release);
                        firstDone.set(true);
                        return null;
                      }));
      assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
      Future<Boolean> second = pool.submit(() -> locks.holding("test|same", firstDone::get));
      Future<Boolean> other = pool.submit(() -> locks.holding("test|other", () -> true));
      assertThat(other.get(30, TimeUnit.SECONDS)).as("another name does not wait").isTrue();
      assertThat(second.isDone()).as("the same name waits while it is held").isFalse();
      release.countDown();
      first.get(30, TimeUnit.SECONDS);
      assertThat(second.get(30, TimeUnit.SECONDS))
          .as("the second ran only after the first was done")
          .isTrue();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void theKey_isStableAndDiffersByName() {
    assertThat(ClusterLocks.key("alert|tachycardia|p1"))
        .isEqualTo(ClusterLocks.key("alert|tachycardia|p1"))
        .isNotEqualTo(ClusterLocks.key("alert|tachycardia|p2"));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
