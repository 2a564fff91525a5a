package org.consentry.server.cluster;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.consentry.server.cluster.Generations.Snapshot;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.ServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this node's caches up to what every node has committed: first thing in each FHIR request
 * (one query reading all {@link Generations}), and every second for background work such as export
 * and relabelling jobs. A topic whose counter moved is handed to its {@link Follower}s with the
 * range of generations this node has not seen; they refresh what they cache. The snapshot read for
 * a request is kept in it ({@link #of}), so the request decides with one set of generations.
 */
@Interceptor
public final class NodeSync implements ServerInterceptor, AutoCloseable {

  /** A node-local cache that follows a topic. */
  public interface Follower {
    Topic topic();

    /** Generations {@code (seen, now]} were committed elsewhere (or here): refresh. */
    void changed(long seen, long now);
  }

  private static final Logger LOG = LoggerFactory.getLogger(NodeSync.class);
  private static final String SNAPSHOT = NodeSync.class.getName() + ".snapshot";

  private final Generations generations;
  private final List<Follower> followers;
  private final Map<Topic, Long> seen = new EnumMap<>(Topic.class);
  private final ScheduledExecutorService background;

  public NodeSync(Generations generations, List<Follower> followers, long backgroundMillis) {
    this.generations = generations;
    this.followers = List.copyOf(followers);
    // what a starting node builds, it builds from the database: nothing older to refresh
    Snapshot start = generations.read();
    for (Topic topic : Topic.values()) {
      seen.put(topic, start.of(topic));
    }
    this.background =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "consentry-node-sync");
              thread.setDaemon(true);
              return thread;
            });
    background.scheduleWithFixedDelay(
        this::syncQuietly, backgroundMillis, backgroundMillis, TimeUnit.MILLISECONDS);
  }

  /** Before anything else of the request looks at a cache. */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -2000)
  public boolean beforeRequest(RequestDetails request) {
    request.getUserData().put(SNAPSHOT, sync());
    return true;
  }

  /** The generations a request decides with (read at its start), or null outside a request. */
  public static Snapshot of(RequestDetails request) {
    return request == null ? null : (Snapshot) request.getUserData().get(SNAPSHOT);
  }

  /** Reads the counters and refreshes every follower of a topic that moved. */
  public Snapshot sync() {
    Snapshot now = generations.read();
    for (Topic topic : Topic.values()) {
      long current = now.of(topic);
      long before;
      synchronized (seen) {
        before = seen.get(topic);
        if (current <= before) {
          continue;
        }
      }
      for (Follower follower : followers) {
        if (follower.topic() == topic) {
          follower.changed(before, current);
        }
      }
      synchronized (seen) {
        seen.merge(topic, current, Math::max);
      }
    }
    return now;
  }

  /**
   * This node made the change of {@code generation} itself and already applied it: if it is the
   * next one this node expected, the followers need not refresh for it.
   *
   * @return whether it was the next one (this node had followed every earlier generation)
   */
  public boolean appliedHere(Topic topic, long generation) {
    synchronized (seen) {
      if (seen.get(topic) == generation - 1) {
        seen.put(topic, generation);
        return true;
      }
      return false;
    }
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      // the database is away: the next request reads the counters and fails on its own
      LOG.debug("Node sync failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    background.shutdownNow();
  }
}
